import { FewbeatError } from '../errors.js';
import type { Ecg } from '../io/ecg.js';
import { canonicalLead } from './lead-registry.js';

/** A recording laid out on a model's lead set. */
export interface LeadSetSignals {
  /** One array per requested lead, in the requested order; zeros where the lead is absent. */
  signals: Float64Array[];
  /** 1 where the lead was recorded or derived, 0 where it is absent. */
  mask: Uint8Array;
}

/**
 * Einthoven/Goldberger relations between the limb leads, used when a recording has I and II but
 * not the others: III = II − I, aVR = −(I + II)/2, aVL = I − II/2, aVF = II − I/2.
 */
const DERIVED: Record<string, (i: Float64Array, ii: Float64Array, k: number) => number> = {
  III: (i, ii, k) => ii[k]! - i[k]!,
  aVR: (i, ii, k) => -(i[k]! + ii[k]!) / 2,
  aVL: (i, ii, k) => i[k]! - ii[k]! / 2,
  aVF: (i, ii, k) => ii[k]! - i[k]! / 2,
};

/**
 * Map any recording onto a model's lead set (names in any spelling the lead registry knows):
 * recorded leads are copied (first occurrence wins), III/aVR/aVL/aVF are derived from I and II when
 * both are present, and every other missing lead is all zeros with mask 0. Throws a `FewbeatError`
 * when a requested name is not an ECG lead.
 */
export function mapToLeadSet(ecg: Ecg, leadSet: readonly string[]): LeadSetSignals {
  const n = ecg.signals[0]?.length ?? 0;
  const byLead = new Map<string, Float64Array>();
  ecg.leads.forEach((name, i) => {
    const lead = canonicalLead(name);
    if (lead && !byLead.has(lead) && ecg.signals[i]) byLead.set(lead, ecg.signals[i]!);
  });
  const leadI = byLead.get('I');
  const leadII = byLead.get('II');
  const signals: Float64Array[] = [];
  const mask = new Uint8Array(leadSet.length);
  leadSet.forEach((name, j) => {
    const lead = canonicalLead(name);
    if (!lead)
      throw new FewbeatError(`lead set: '${name}' is not an ECG lead name fewbeat knows`, { file: ecg.source });
    const recorded = byLead.get(lead);
    const derive = DERIVED[lead];
    if (recorded) {
      signals.push(Float64Array.from(recorded));
      mask[j] = 1;
    } else if (derive && leadI && leadII) {
      signals.push(Float64Array.from({ length: n }, (_, k) => derive(leadI, leadII, k)));
      mask[j] = 1;
    } else {
      signals.push(new Float64Array(n));
    }
  });
  return { signals, mask };
}
