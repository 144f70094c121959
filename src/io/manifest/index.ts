/** The cohort manifest: `manifest.csv` + `clinical-schema.json` (docs/data-formats.md). */
export * from './cohort.js';
export { validateCohort, readCohort } from './read-cohort.js';
export { cohortCsv, writeCohort } from './write-cohort.js';
export { summariseCohort, type CohortSummary } from './summarise-cohort.js';
export { resolveRecord, type RecordFormat } from './record-format.js';
export { parseClinicalCell, formatClinicalCell } from './cells.js';
