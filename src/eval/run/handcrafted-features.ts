import type { Example } from '../../data/dataset.js';
import { MEASUREMENT_FEATURES, measureRecording, type MeasurementValues } from '../../data/measurements.js';
import type { Ecg } from '../../io/ecg.js';
import { loadCohortEcg } from '../../io/load-ecg.js';
import { standardisedVectors } from './rr-anchor.js';

/** Names of the handcrafted features, in vector order (each followed by its missingness flag): the measurements. */
export const HANDCRAFTED_FEATURES = MEASUREMENT_FEATURES;

/**
 * The handcrafted-features baseline: the clinician's measurements from fewbeat's signal layer —
 * heart rate, PR, QRS and QTc as age- and sex-normalised z-scores (Rijnbeek et al. 2001 norms),
 * plus RR irregularity (coefficient of variation, RMSSD/mean, turning-point ratio, pNN50), atrial
 * activity (atrial rate, spectral concentration, atrial/ventricular ratio, AV dissociation) and the
 * P-wave repeatability. Each
 * feature is standardised over the pool (no labels used), missing values become 0 with a missingness
 * flag. A feature that is nearly constant in the pool (AV dissociation in adult sinus rhythm) gets a
 * small sd, so its rare other values land far out and weigh heavily in the distances.
 * Episodes then use nearest prototypes in this space, like the learnt methods.
 *
 * @param load reads the raw recording of an example (default: from its record path and window).
 */
export function handcraftedEmbeddings(
  pool: readonly Example[],
  load: (e: Example) => Ecg = loadCohortEcg,
): Float32Array[] {
  return handcraftedVectors(pool.map((e) => handcraftedValues(e, load)));
}

/** One example's handcrafted feature values (`HANDCRAFTED_FEATURES` order; null = not measurable). */
export function handcraftedValues(e: Example, load: (e: Example) => Ecg = loadCohortEcg): MeasurementValues {
  return e.measurements ?? measureRecording(load(e), e);
}

/**
 * The handcrafted vectors of a pool of measurement rows (`HANDCRAFTED_FEATURES` order): each feature
 * standardised over the pool, then [z, missing] per feature, a missing value being z = 0, flag 1.
 */
export function handcraftedVectors(rows: ReadonlyArray<ReadonlyArray<number | null>>): Float32Array[] {
  const F = HANDCRAFTED_FEATURES.length;
  return standardisedVectors(rows).map((z, i) => {
    const v = new Float32Array(2 * F);
    for (let f = 0; f < F; f++) {
      if (rows[i]?.[f] === null || rows[i]?.[f] === undefined) v[2 * f + 1] = 1;
      else v[2 * f] = z[f] as number;
    }
    return v;
  });
}
