import { basename } from 'node:path';
import type { ClinicalSchema } from '../clinical/schema.js';
import type { CohortRowInput } from '../io/manifest/index.js';
import type { ClassSearch } from './search-index.js';

/**
 * The hits of archive searches as cohort rows for review: one row per hit, its record as
 * `recordCell` writes it, its window, the class it was found for as its label, and what the index
 * knows of the child (a hit without a patient id is its own patient, named by its record).
 */
export function hitsCohortRows(
  searches: ReadonlyArray<Pick<ClassSearch, 'class' | 'hits'>>,
  recordCell: (record: string) => string,
): CohortRowInput[] {
  return searches.flatMap((s) =>
    s.hits.map((h) => ({
      record: recordCell(h.record),
      patientId: h.patientId ?? basename(h.record),
      labels: [s.class],
      ageYears: h.ageYears,
      sex: h.sex,
      window: h.window,
      clinical: {},
    })),
  );
}

/** The clinical schema of a cohort of hits: the index keeps age and sex only. */
export const HITS_CLINICAL_SCHEMA: ClinicalSchema = { version: 1, fields: [] };
