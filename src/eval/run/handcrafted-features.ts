import type { Example } from '../../data/dataset.js';
import { isFewbeatError } from '../../errors.js';
import type { Ecg } from '../../io/ecg.js';
import { loadCohortEcg } from '../../io/load-ecg.js';
import { measureEcg, type Measurement } from '../../signal/measure-ecg.js';
import { defaultNormTable } from '../../signal/norms/default-norms.js';

/** Names of the handcrafted features, in vector order (each followed by its missingness flag). */
export const HANDCRAFTED_FEATURES = ['z_hr', 'z_pr', 'z_qrs', 'z_qtc', 'rr_cv', 'rr_rmssd_over_mean', 'rr_turning_point_ratio'] as const;

/** The feature values of one measurement; null = not measurable. */
export function handcraftedValues(m: Measurement | null): Array<number | null> {
  if (!m) return HANDCRAFTED_FEATURES.map(() => null);
  const finite = (v: number | null | undefined): number | null => (v === null || v === undefined || !Number.isFinite(v) ? null : v);
  return [
    finite(m.z.hr), finite(m.z.pr), finite(m.z.qrs), finite(m.z.qtc),
    finite(m.rr.cv), finite(m.rr.rmssd_ms / m.rr.mean_ms), finite(m.rr.tpr),
  ];
}

/**
 * The handcrafted-features baseline: the clinician's measurements from fewbeat's signal layer —
 * heart rate, PR, QRS and QTc as age- and sex-normalised z-scores (Rijnbeek et al. 2001 norms),
 * plus RR irregularity (coefficient of variation, RMSSD/mean, turning-point ratio). Each feature
 * is standardised over the pool (no labels used), missing values become 0 with a missingness flag.
 * Episodes then use nearest prototypes in this space, like the learnt methods.
 *
 * @param load reads the raw recording of an example (default: from its record path and window).
 */
export function handcraftedEmbeddings(pool: readonly Example[], load: (e: Example) => Ecg = loadCohortEcg): Float32Array[] {
  const norms = defaultNormTable();
  const rows = pool.map((e) => {
    let m: Measurement | null = null;
    try {
      m = measureEcg(load(e), { ageYears: e.ageYears ?? undefined, sex: e.sex ?? undefined, norms });
    } catch (err) {
      if (!isFewbeatError(err)) throw err;
    }
    return handcraftedValues(m);
  });
  const F = HANDCRAFTED_FEATURES.length;
  const stats = Array.from({ length: F }, (_, f) => {
    const values = rows.map((r) => r[f]).filter((v): v is number => v !== null);
    const mean = values.reduce((a, b) => a + b, 0) / Math.max(1, values.length);
    const sd = Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, values.length));
    return { mean, sd: sd > 1e-9 ? sd : 1 };
  });
  return rows.map((r) => {
    const v = new Float32Array(2 * F);
    r.forEach((x, f) => {
      const s = stats[f] as { mean: number; sd: number };
      if (x === null) v[2 * f + 1] = 1;
      else v[2 * f] = (x - s.mean) / s.sd;
    });
    return v;
  });
}
