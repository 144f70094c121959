import { ageBandOf, type AgeBandId } from '../clinical/age-bands.js';
import type { Ecg } from '../io/ecg.js';
import { withFileDemographics } from '../io/file-demographics.js';
import { loadCohortEcg } from '../io/load-ecg.js';
import type { Cohort, CohortRow, CohortWindow } from '../io/manifest/cohort.js';
import { FewbeatError, isFewbeatError } from '../errors.js';
import type { BatchSource } from './batch.js';
import { measureRecording } from './measurements.js';
import { preprocessEcg, type PreprocessSpec } from './preprocess.js';

/** One preprocessed recording of a cohort, held in memory. */
export interface Example extends BatchSource {
  /** Position in {@link Dataset.examples}. */
  index: number;
  /** The manifest's `record` cell and the manifest line, for messages and nearest-example output. */
  record: string;
  line: number;
  recordPath: string;
  /** The manifest window of the record this example stands for (null = whole record). */
  window: CohortWindow | null;
  patientId: string;
  /** The class the example is used as: its first label among the classes asked for. */
  label: string;
  labels: string[];
  ageBand: AgeBandId;
  /** The manifest's `split` cell. */
  manifestSplit: string | null;
}

/** A cohort loaded and preprocessed for the model. */
export interface Dataset {
  cohort: Cohort;
  spec: PreprocessSpec;
  examples: Example[];
}

/**
 * The manifest row each example of `cohort` was read from. A row is its record and manifest line
 * together: a mixed cohort's rows come from several manifests, whose line numbers repeat.
 */
export function cohortRowOf(cohort: Cohort): (e: Pick<Example, 'line' | 'recordPath'>) => CohortRow {
  const key = (r: { line: number; recordPath: string }): string => `${r.line} ${r.recordPath}`;
  const rows = new Map(cohort.rows.map((r) => [key(r), r]));
  return (e) => {
    const row = rows.get(key(e));
    if (!row) throw new FewbeatError(`no manifest row for line ${e.line}`, { file: e.recordPath });
    return row;
  };
}

/** Options of {@link loadDataset}. */
export interface LoadDatasetOptions {
  /** Reads one row's recording, cut to its window. @default loadCohortEcg (src/io) */
  loadRecord?: (row: CohortRow) => Ecg;
  /** Keep only rows with a label among these classes (default: every row). */
  classes?: ReadonlySet<string>;
  /** Called after each row, for a progress display. */
  onRow?: (done: number, total: number) => void;
  /** Also take the age/sex-normalised measurements of each recording (`measureRecording`). @default true */
  measure?: boolean;
}

/**
 * Load a cohort's recordings through its manifest and preprocess them for the model
 * (see {@link preprocessEcg}); the arrays stay in memory for the whole run. A record that cannot
 * be read stops the load with one line naming the file and the manifest line.
 */
export function loadDataset(cohort: Cohort, spec: PreprocessSpec, options: LoadDatasetOptions = {}): Dataset {
  const load = options.loadRecord ?? loadCohortEcg;
  const rows = cohort.rows.filter((r) => !options.classes || r.labels.some((l) => options.classes?.has(l)));
  const examples: Example[] = [];
  rows.forEach((row, i) => {
    let processed;
    let measurements;
    // a manifest's empty age/sex cells take the recording file's own (hospital exports carry them)
    let demographics: { ageYears: number | null; sex: 'M' | 'F' | null } = row;
    try {
      const ecg = load(row);
      demographics = withFileDemographics({ ageYears: row.ageYears, sex: row.sex }, ecg.meta);
      processed = preprocessEcg(ecg, spec, row.recordPath);
      if (options.measure ?? true) measurements = measureRecording(ecg, demographics);
    } catch (e) {
      if (isFewbeatError(e) && e.file) throw e;
      const reason = e instanceof Error ? e.message.split('\n')[0] : String(e);
      throw new FewbeatError(reason ?? 'unreadable record', {
        file: row.recordPath,
        location: `manifest line ${row.line}`,
        cause: e,
      });
    }
    const label = options.classes
      ? (row.labels.find((l) => options.classes?.has(l)) as string)
      : (row.labels[0] as string);
    examples.push({
      index: examples.length,
      record: row.record,
      line: row.line,
      recordPath: row.recordPath,
      window: row.window,
      patientId: row.patientId,
      label,
      labels: row.labels,
      ageYears: demographics.ageYears,
      ageBand: ageBandOf(demographics.ageYears),
      sex: demographics.sex,
      clinical: row.clinical,
      manifestSplit: row.split,
      signal: processed.signal,
      mask: processed.mask,
      ...(measurements ? { measurements } : {}),
    });
    options.onRow?.(i + 1, rows.length);
  });
  return { cohort, spec, examples };
}
