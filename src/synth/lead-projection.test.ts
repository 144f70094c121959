import { describe, expect, it } from 'vitest';
import { Rng } from '../util/rng.js';
import { renderDipole } from './dipole-model.js';
import { electrodesFromDipole, leadsFromElectrodes } from './electrodes.js';
import {
  DOWER_LEAD_VECTORS,
  EXTRA_CHEST_LEAD_VECTORS,
  INVERSE_DOWER,
  INVERSE_DOWER_LEADS,
  PEDIATRIC_15_LEADS,
  dot,
} from './lead-projection.js';
import { addArtefacts } from './noise.js';

describe('lead projection', () => {
  it('the inverse Dower matrix (Edenbrandt & Pahlm 1988) undoes the Dower matrix (1980) to within 0.1', () => {
    // Two independently published matrices: their product must be close to the 3x3 identity.
    for (let r = 0; r < 3; r++) {
      for (let c = 0; c < 3; c++) {
        let sum = 0;
        INVERSE_DOWER_LEADS.forEach((lead, k) => {
          sum += (INVERSE_DOWER[r] as readonly number[])[k]! * DOWER_LEAD_VECTORS[lead][c]!;
        });
        expect(Math.abs(sum - (r === c ? 1 : 0))).toBeLessThan(0.1);
      }
    }
  });

  it('places V4R at the mirror image of V4 and V7 behind V6 with the same magnitude', () => {
    const [x, y, z] = DOWER_LEAD_VECTORS.V4;
    expect(EXTRA_CHEST_LEAD_VECTORS.V4R).toEqual([-x, y, z]);
    const v6 = DOWER_LEAD_VECTORS.V6;
    const v7 = EXTRA_CHEST_LEAD_VECTORS.V7;
    expect(Math.hypot(...v7)).toBeCloseTo(Math.hypot(...v6), 12);
    expect(v7[2]).toBeGreaterThan(v6[2]);
  });

  it('derives III, aVR, aVL and aVF from I and II exactly, artefacts included', () => {
    const rng = new Rng(5);
    const dipole = renderDipole(
      [{ centre: 0.5, sigmaBefore: 0.02, sigmaAfter: 0.03, amplitude: [1, 0.8, -0.4] }],
      500,
      1000,
    );
    const electrodes = electrodesFromDipole(dipole, ['V1', 'V2', 'V3', 'V4', 'V5', 'V6', 'V3R', 'V4R', 'V7']);
    addArtefacts(electrodes, { level: 'high', fs: 500, mainsHz: 60, respRateHz: 0.5 }, rng);
    const [I, II, III, aVR, aVL, aVF] = leadsFromElectrodes(electrodes, PEDIATRIC_15_LEADS) as Float64Array[];
    for (let i = 0; i < 1000; i++) {
      expect(III![i]).toBe(II![i]! - I![i]!);
      expect(aVR![i]).toBe(-(I![i]! + II![i]!) / 2);
      expect(aVL![i]).toBe(I![i]! - II![i]! / 2);
      expect(aVF![i]).toBe(II![i]! - I![i]! / 2);
    }
  });

  it('without artefacts every lead is the lead vector times the dipole', () => {
    const amplitude = [0.7, 1.1, 0.3] as const;
    const dipole = renderDipole([{ centre: 0.2, sigmaBefore: 0.02, sigmaAfter: 0.02, amplitude }], 500, 200);
    const leads = leadsFromElectrodes(electrodesFromDipole(dipole, ['V1', 'V6', 'V4R']), [
      'I',
      'II',
      'III',
      'V1',
      'V6',
      'V4R',
    ]);
    const peak = 100;
    expect(leads[0]![peak]).toBeCloseTo(dot(DOWER_LEAD_VECTORS.I, amplitude), 12);
    expect(leads[1]![peak]).toBeCloseTo(dot(DOWER_LEAD_VECTORS.II, amplitude), 12);
    expect(leads[3]![peak]).toBeCloseTo(dot(DOWER_LEAD_VECTORS.V1, amplitude), 12);
    expect(leads[4]![peak]).toBeCloseTo(dot(DOWER_LEAD_VECTORS.V6, amplitude), 12);
    expect(leads[5]![peak]).toBeCloseTo(dot(EXTRA_CHEST_LEAD_VECTORS.V4R, amplitude), 12);
  });
});
