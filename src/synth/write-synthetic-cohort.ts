import { join } from 'node:path';
import type { CohortRowInput } from '../io/manifest/cohort.js';
import { writeCohort } from '../io/manifest/write-cohort.js';
import { writeRecord } from '../io/wfdb/writer.js';
import { makeDirectory, writeFileAtomic } from '../util/atomic-write.js';
import { SYNTH_CLINICAL_SCHEMA } from './clinical-fields.js';
import { CohortTally, cohortCard } from './cohort-card.js';
import { GENERATOR_VERSION, generateCohort, type CohortOptions, type CohortRecording } from './cohort.js';

/** Folder of the WFDB records inside the cohort directory. */
export const RECORDS_DIR = 'records';

/**
 * Write a synthetic cohort into `dir`: WFDB records (format 16, 1000 adu/mV) under `records/`,
 * `manifest.csv` and `clinical-schema.json` (src/io/manifest), and the `COHORT.md` card.
 * `onRecord` is called after each record is written (progress, pictures).
 */
export function writeSyntheticCohort(
  dir: string,
  options: CohortOptions,
  onRecord?: (recording: CohortRecording, done: number) => void,
): CohortTally {
  makeDirectory(join(dir, RECORDS_DIR));
  const tally = new CohortTally();
  const rows: CohortRowInput[] = [];
  for (const r of generateCohort(options)) {
    const record = `${RECORDS_DIR}/${r.record}`;
    writeRecord(join(dir, record), {
      fs: r.ecg.fs,
      signals: r.ecg.signals,
      names: r.ecg.leads,
      units: r.ecg.units,
      fmt: '16',
      comments: [`Age: ${r.ageYears}`, `Sex: ${r.sex}`, `Generator: ${GENERATOR_VERSION}, seed ${options.seed}`],
    });
    rows.push({
      record,
      patientId: r.patientId,
      labels: [r.classId],
      ageYears: r.ageYears,
      sex: r.sex,
      clinical: r.clinical,
    });
    tally.add(r);
    onRecord?.(r, tally.recordings);
  }
  writeCohort(dir, SYNTH_CLINICAL_SCHEMA, rows);
  writeFileAtomic(join(dir, 'COHORT.md'), cohortCard(tally, options));
  return tally;
}
