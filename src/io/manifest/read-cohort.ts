import { join } from 'node:path';
import { FewbeatError } from '../../errors.js';
import { formatProblem, MANIFEST_FILE, type Cohort, type ManifestProblem } from './cohort.js';
import { cohortDirOf, inspectCohort } from './parse-cohort.js';

/** How many problems a `readCohort` error message lists before "and N more". */
const PROBLEMS_IN_MESSAGE = 3;

/** Every problem of the cohort folder `dir` (errors and warnings), each with its file, line and column. */
export function validateCohort(dir: string): ManifestProblem[] {
  return inspectCohort(dir).problems;
}

/**
 * Read a validated cohort. Throws a one-line FewbeatError naming the manifest and listing the
 * first problems when there is any error (warnings do not stop reading).
 */
export function readCohort(dir: string): Cohort {
  const { cohort, problems } = inspectCohort(dir);
  if (cohort !== null) return cohort;
  const errors = problems.filter((p) => p.severity === 'error');
  const shown = errors.slice(0, PROBLEMS_IN_MESSAGE).map(formatProblem).join('; ');
  const more =
    errors.length > PROBLEMS_IN_MESSAGE
      ? `; and ${errors.length - PROBLEMS_IN_MESSAGE} more (run fewbeat cohort validate)`
      : '';
  throw new FewbeatError(`invalid cohort, ${errors.length} problem${errors.length === 1 ? '' : 's'}: ${shown}${more}`, {
    file: join(cohortDirOf(dir), MANIFEST_FILE),
  });
}
