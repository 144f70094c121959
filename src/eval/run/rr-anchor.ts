import type { Ecg } from '../../io/ecg.js';
import { fillInvalidSamples } from '../../signal/fill-invalid-samples.js';
import { detectQrs } from '../../signal/qrs/detect-qrs.js';
import { detectQrsMultiLead } from '../../signal/qrs/detect-qrs-multi-lead.js';
import { pnn50, rrFeatures } from '../../signal/rr-features.js';
import { computePrototypes, squaredDistance } from '../../fewshot/prototypes.js';

/** The anchor's three RR-irregularity features, in vector order. */
export const RR_ANCHOR_FEATURES = ['rr_rmssd_over_mean', 'rr_pnn50', 'rr_turning_point_ratio'] as const;

/**
 * The RR irregularity of one recording: RMSSD / mean RR and the turning-point ratio of the RR
 * series (the two RR features of Dash et al., Ann Biomed Eng 37:1701, 2009, for atrial fibrillation),
 * and pNN50, the share of successive RR differences above 50 ms (Ewing et al. 1984; Mietus et al.,
 * Heart 88:378, 2002). R peaks come from fewbeat's QRS detector: one lead alone, or all leads
 * together. Null where fewer than 3 RR intervals are found.
 */
export function rrIrregularity(ecg: Ecg): Array<number | null> {
  const leads = ecg.signals.map((x, i) => fillInvalidSamples(x, `${ecg.source ?? 'record'}: ${ecg.leads[i]}`));
  let beats: Int32Array;
  try {
    beats = leads.length === 1 ? detectQrs(leads[0]!, ecg.fs) : detectQrsMultiLead(leads, ecg.fs);
  } catch {
    return RR_ANCHOR_FEATURES.map(() => null);
  }
  const rr = rrFeatures(beats, ecg.fs);
  const finite = (v: number): number | null => (rr.n >= 3 && Number.isFinite(v) ? v : null);
  return [finite(rr.rmssd_ms / rr.mean_ms), finite(pnn50(beats, ecg.fs)), finite(rr.tpr)];
}

/**
 * Standardise feature rows over the pool (z = (x − mean) / sd of the values present, no labels
 * used); a missing value becomes 0, the pool mean. One vector per row.
 */
export function standardisedVectors(rows: ReadonlyArray<ReadonlyArray<number | null>>): Float32Array[] {
  const F = rows[0]?.length ?? 0;
  const stats = Array.from({ length: F }, (_, f) => {
    const values = rows.map((r) => r[f]).filter((v): v is number => v !== null && v !== undefined);
    const mean = values.reduce((a, b) => a + b, 0) / Math.max(1, values.length);
    const sd = Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, values.length));
    return { mean, sd: sd > 1e-9 ? sd : 1 };
  });
  return rows.map((r) =>
    Float32Array.from(stats, (s, f) => (r[f] === null || r[f] === undefined ? 0 : (r[f]! - s.mean) / s.sd)),
  );
}

/**
 * The RR-irregularity anchor: nearest prototype (Snell et al. 2017: class means of the support
 * vectors, squared Euclidean distance) in the space of the three standardised RR-irregularity
 * features. Returns the predicted class index of each query.
 */
export function nearestPrototype(
  support: readonly Float32Array[],
  supportLabels: readonly number[],
  queries: readonly Float32Array[],
  nClasses: number,
): number[] {
  const prototypes = computePrototypes(support, supportLabels, nClasses);
  return queries.map((q) => {
    let best = 0;
    let bestD = Infinity;
    prototypes.forEach((p, c) => {
      const d = squaredDistance(q, p);
      if (d < bestD) {
        bestD = d;
        best = c;
      }
    });
    return best;
  });
}
