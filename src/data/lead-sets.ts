import { FewbeatError } from '../errors.js';
import type { Ecg } from '../io/ecg.js';
import { loadCohortEcg } from '../io/load-ecg.js';
import type { CohortRow } from '../io/manifest/cohort.js';
import { canonicalLead, type CanonicalLead } from '../signal/lead-registry.js';
import { cohortRowOf, loadDataset, type Dataset, type Example } from './dataset.js';

/** A named set of leads a recording may come with. */
export interface LeadSet {
  name: string;
  /** The leads kept, in the lead registry's canonical names; null = every lead the recording has. */
  leads: readonly CanonicalLead[] | null;
}

/**
 * The lead sets a model is validated on, from the cart to the wearable: every lead recorded (a 12-lead cart), the
 * six limb leads (a cart without chest electrodes), two Holter leads (II and V1, as the MIT-BIH Arrhythmia
 * Database's MLII and V1), and one lead alone, I (a wrist or hand-held wearable) or II (a monitor).
 */
export const VALIDATION_LEAD_SETS: readonly LeadSet[] = [
  { name: 'all recorded leads', leads: null },
  { name: 'limb leads (I, II, III, aVR, aVL, aVF)', leads: ['I', 'II', 'III', 'aVR', 'aVL', 'aVF'] },
  { name: '2-lead Holter (II, V1)', leads: ['II', 'V1'] },
  { name: 'single lead I', leads: ['I'] },
  { name: 'single lead II', leads: ['II'] },
];

/** Positions of the recording's leads that belong to `set` (all of them for every recorded lead). */
function leadsInSet(ecg: Ecg, set: LeadSet): number[] {
  if (set.leads === null) return ecg.leads.map((_l, i) => i);
  const wanted = new Set<string>(set.leads);
  return ecg.leads.flatMap((name, i) => (wanted.has(canonicalLead(name) ?? '') ? [i] : []));
}

/**
 * The recording reduced to the leads of `set`, in the recording's own order (leads are matched through the
 * lead registry, so `MLII` counts as II). Refuses, naming the recording, when it has none of them.
 */
export function restrictToLeadSet(ecg: Ecg, set: LeadSet): Ecg {
  if (set.leads === null) return ecg;
  const keep = leadsInSet(ecg, set);
  if (keep.length === 0)
    throw new FewbeatError(
      `the recording has none of the leads of the ${set.name} set (it has ${ecg.leads.join(', ')})`,
      {
        file: ecg.source,
      },
    );
  return {
    ...ecg,
    leads: keep.map((i) => ecg.leads[i] as string),
    signals: keep.map((i) => ecg.signals[i] as Float64Array),
    units: keep.map((i) => ecg.units[i] as string),
  };
}

/**
 * `pool` (examples of `dataset`) as if each recording had come with the leads of `set` only: each one read again,
 * reduced to the set ({@link restrictToLeadSet}), preprocessed (the absent leads masked) and measured from those
 * leads alone, exactly as `loadDataset` reads a recording that has them. A recording with none of the set's leads
 * (a 2-lead Holter record on lead I) comes with no lead at all: zero signal, every lead masked, no measurements.
 * Same order and indices as `pool`, so episodes drawn on `pool` apply unchanged.
 */
export function poolOnLeadSet(dataset: Dataset, pool: readonly Example[], set: LeadSet): Example[] {
  if (set.leads === null) return [...pool];
  const rowOf = cohortRowOf(dataset.cohort);
  const rows = pool.map(rowOf);
  const without = new Set<CohortRow>();
  const reread = loadDataset({ ...dataset.cohort, rows }, dataset.spec, {
    loadRecord: (row) => {
      const ecg = loadCohortEcg(row);
      if (leadsInSet(ecg, set).length > 0) return restrictToLeadSet(ecg, set);
      without.add(row);
      return ecg;
    },
  }).examples;
  return pool.map((e, i) => {
    if (without.has(rows[i] as CohortRow)) {
      const { measurements: _none, ...rest } = e;
      return { ...rest, signal: new Float32Array(e.signal.length), mask: new Float32Array(e.mask.length) };
    }
    const { signal, mask, measurements } = reread[i] as Example;
    const restricted: Example = { ...e, signal, mask };
    if (measurements) restricted.measurements = measurements;
    else delete restricted.measurements;
    return restricted;
  });
}
