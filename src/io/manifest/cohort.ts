import type { ClinicalContext, ClinicalSchema } from '../../clinical/schema.js';

/** File names of a cohort folder. */
export const MANIFEST_FILE = 'manifest.csv';
export const SCHEMA_FILE = 'clinical-schema.json';

/**
 * Columns of `manifest.csv` that are not clinical fields. `start_s`/`end_s` are optional and
 * make a row a *window* of a longer recording (seconds from the record start, `start_s < end_s`).
 */
export const RESERVED_COLUMNS = [
  'record',
  'patient_id',
  'label',
  'age_years',
  'sex',
  'split',
  'start_s',
  'end_s',
] as const;
/** Columns every manifest must have. */
export const REQUIRED_COLUMNS = ['record', 'patient_id', 'label', 'age_years', 'sex'] as const;

/** Plausible human ages in years; anything outside is an impossible age. */
export const AGE_LIMITS_YEARS: readonly [number, number] = [0, 120];

/** A time window of a longer recording, in seconds from its start: [startS, endS). */
export interface CohortWindow {
  startS: number;
  endS: number;
}

/** One validated manifest row (one recording, or one window of a recording). */
export interface CohortRow {
  /** Line of the row in manifest.csv (the header is line 1). */
  line: number;
  /** The `record` cell as written: a path relative to the manifest, without extension for WFDB. */
  record: string;
  /** Absolute path of the record (no extension for WFDB), ready for `loadEcg`. */
  recordPath: string;
  patientId: string;
  /** Class ids (data/classes.json) or namespaced source labels such as `source:(BII`. */
  labels: string[];
  ageYears: number | null;
  sex: 'M' | 'F' | null;
  split: string | null;
  /** The sample range of a longer record this row stands for; null = the whole record. */
  window: CohortWindow | null;
  /** Every schema field present; null = missing. */
  clinical: ClinicalContext;
}

export interface Cohort {
  /** Absolute path of the cohort folder. */
  dir: string;
  schema: ClinicalSchema;
  rows: CohortRow[];
}

/**
 * One problem found in a cohort. `line` is the 1-based line in `file` (0 = the file as a whole),
 * `column` the manifest column (or JSON path in the schema). Errors make the cohort unreadable;
 * warnings (e.g. a label that is not a known class) are reported but do not.
 */
export interface ManifestProblem {
  file: string;
  line: number;
  column: string;
  reason: string;
  severity: 'error' | 'warning';
}

/** A row as handed to `writeCohort`. */
export interface CohortRowInput {
  record: string;
  patientId: string;
  labels: readonly string[];
  ageYears: number | null;
  sex: 'M' | 'F' | null;
  split?: string | null;
  window?: CohortWindow | null;
  clinical: ClinicalContext;
}

/** `manifest.csv line 7, column age_years: reason` */
export function formatProblem(p: ManifestProblem): string {
  const where = p.line > 0 ? `${p.file} line ${p.line}` : p.file;
  const col = p.column ? `, column ${p.column}` : '';
  return `${where}${col}: ${p.severity === 'warning' ? 'warning: ' : ''}${p.reason}`;
}
