import type { Dipole } from './dipole-model.js';
import { chestLeadVector, DOWER_LEAD_VECTORS, type ChestLead, type LeadName, type Vec3 } from './lead-projection.js';

/**
 * Electrode potentials of one recording, mV. Noise and artefacts are added here, per electrode,
 * so that every lead derived from them stays consistent (III = II − I holds for noise too).
 * The limb potentials are chosen so that Wilson's central terminal (RA + LA + LL)/3 is 0 before noise.
 */
export interface ElectrodePotentials {
  readonly RA: Float64Array;
  readonly LA: Float64Array;
  readonly LL: Float64Array;
  /** Chest electrodes by the lead they make against Wilson's central terminal. */
  readonly chest: Map<ChestLead, Float64Array>;
}

function project(d: Dipole, v: Vec3, out: Float64Array): Float64Array {
  const [a, b, c] = v;
  for (let i = 0; i < out.length; i++)
    out[i] = a * (d.x[i] as number) + b * (d.y[i] as number) + c * (d.z[i] as number);
  return out;
}

/**
 * Electrode potentials from the dipole: leads I and II by the Dower lead vectors, then
 * RA = −(I + II)/3, LA = (2I − II)/3, LL = (2II − I)/3 (so LA − RA = I, LL − RA = II, WCT = 0);
 * chest electrodes by their lead vectors.
 */
export function electrodesFromDipole(d: Dipole, chestLeads: readonly ChestLead[]): ElectrodePotentials {
  const n = d.x.length;
  const leadI = project(d, DOWER_LEAD_VECTORS.I, new Float64Array(n));
  const leadII = project(d, DOWER_LEAD_VECTORS.II, new Float64Array(n));
  const RA = new Float64Array(n);
  const LA = new Float64Array(n);
  const LL = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const a = leadI[i] as number;
    const b = leadII[i] as number;
    RA[i] = -(a + b) / 3;
    LA[i] = (2 * a - b) / 3;
    LL[i] = (2 * b - a) / 3;
  }
  const chest = new Map<ChestLead, Float64Array>();
  for (const lead of chestLeads) chest.set(lead, project(d, chestLeadVector(lead), new Float64Array(n)));
  return { RA, LA, LL, chest };
}

/**
 * The requested leads from electrode potentials. I = LA − RA and II = LL − RA are computed first;
 * the other limb leads follow from them exactly (Einthoven and Goldberger):
 * III = II − I, aVR = −(I + II)/2, aVL = I − II/2, aVF = II − I/2.
 * Chest leads are measured against Wilson's central terminal WCT = (RA + LA + LL)/3.
 */
export function leadsFromElectrodes(e: ElectrodePotentials, leads: readonly LeadName[]): Float64Array[] {
  const n = e.RA.length;
  const leadI = new Float64Array(n);
  const leadII = new Float64Array(n);
  const wct = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const ra = e.RA[i] as number;
    leadI[i] = (e.LA[i] as number) - ra;
    leadII[i] = (e.LL[i] as number) - ra;
    wct[i] = (ra + (e.LA[i] as number) + (e.LL[i] as number)) / 3;
  }
  const derive = (f: (a: number, b: number) => number): Float64Array => {
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) out[i] = f(leadI[i] as number, leadII[i] as number);
    return out;
  };
  return leads.map((lead) => {
    switch (lead) {
      case 'I':
        return leadI;
      case 'II':
        return leadII;
      case 'III':
        return derive((a, b) => b - a);
      case 'aVR':
        return derive((a, b) => -(a + b) / 2);
      case 'aVL':
        return derive((a, b) => a - b / 2);
      case 'aVF':
        return derive((a, b) => b - a / 2);
      default: {
        const phi = e.chest.get(lead);
        if (!phi) throw new Error(`chest electrode ${lead} was not placed`);
        const out = new Float64Array(n);
        for (let i = 0; i < n; i++) out[i] = (phi[i] as number) - (wct[i] as number);
        return out;
      }
    }
  });
}
