import { FewbeatError } from '../errors.js';
import { cohortOfPatient, mixCohorts, type CohortSource } from './cohort-mix.js';
import { prepareCohort, type PrepareOptions, type PreparedCohort } from './prepare-cohort.js';
import type { PreprocessSpec } from './preprocess.js';

/**
 * Prepare the union of several cohorts for one run ({@link mixCohorts}, then {@link prepareCohort}):
 * the class split is resolved over the union, patients are split train/val/test/novel across all
 * cohorts at once (namespaced ids, so patient-disjoint across cohorts too), and the clinical encoder
 * is fitted on the training rows of every cohort in the primary cohort's schema. Each recording is
 * resampled to `spec.fs` and mapped to `spec.leads` by the usual preprocessing, so cohorts of other
 * rates and lead sets (2 leads at 360 Hz, 12 at 500 Hz) meet in one input shape, absent leads masked.
 * A cohort none of whose rows has a base or novel class fails with one line naming its origin.
 */
export function prepareMixedCohort(
  sources: readonly CohortSource[],
  spec: PreprocessSpec,
  options: PrepareOptions,
): PreparedCohort {
  const { cohort, mix } = mixCohorts(sources);
  const prepared = prepareCohort(cohort, spec, options);
  const used = new Set(prepared.dataset.examples.map((e) => cohortOfPatient(e.patientId)));
  mix.cohorts.forEach((c, k) => {
    if (!used.has(c.name)) {
      const source = sources[k] as CohortSource;
      throw new FewbeatError(
        `${source.origin ?? c.dir}: no row has a base or novel class ` +
          `(base: ${prepared.classes.base.join(', ')}; novel: ${prepared.classes.novel.join(', ') || 'none'})`,
      );
    }
  });
  return { ...prepared, mix };
}
