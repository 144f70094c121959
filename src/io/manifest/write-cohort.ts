import { join } from 'node:path';
import { stringify } from 'csv-stringify/sync';
import { clinicalSchemaSchema, type ClinicalSchema } from '../../clinical/schema.js';
import { FewbeatError } from '../../errors.js';
import { writeFileAtomic } from '../../util/atomic-write.js';
import { formatClinicalCell } from './cells.js';
import { AGE_LIMITS_YEARS, MANIFEST_FILE, SCHEMA_FILE, type CohortRowInput } from './cohort.js';

/**
 * Write `clinical-schema.json` (2-space JSON) and `manifest.csv` (as {@link cohortCsv} gives it)
 * into `dir`, each atomically.
 */
export function writeCohort(dir: string, schema: ClinicalSchema, rows: readonly CohortRowInput[]): void {
  const checked = clinicalSchemaSchema.parse(schema);
  const manifestPath = join(dir, MANIFEST_FILE);
  const csv = cohortCsv(checked, rows, manifestPath);
  writeFileAtomic(join(dir, SCHEMA_FILE), `${JSON.stringify(checked, null, 2)}\n`);
  writeFileAtomic(manifestPath, csv);
}

/**
 * The text of a cohort's `manifest.csv` (`manifestPath` names it in errors).
 *
 * The output is byte-stable: fixed column order (`record, patient_id, label, age_years, sex`,
 * then `split` and `start_s, end_s` when any row has them, then the schema's fields in schema
 * order), rows in the given order, numbers as JavaScript's shortest round-trip decimal, `\n`
 * line endings. Values are checked against the schema first;
 * a value that would not read back throws a FewbeatError naming the row and column.
 */
export function cohortCsv(
  schema: ClinicalSchema,
  rows: readonly CohortRowInput[],
  manifestPath: string = MANIFEST_FILE,
): string {
  const checked = clinicalSchemaSchema.parse(schema);
  const withSplit = rows.some((r) => r.split !== undefined && r.split !== null);
  const withWindow = rows.some((r) => r.window !== undefined && r.window !== null);
  const clinicalFields = checked.fields.filter((f) => f.name !== 'age_years' && f.name !== 'sex');
  const header = ['record', 'patient_id', 'label', 'age_years', 'sex'];
  if (withSplit) header.push('split');
  if (withWindow) header.push('start_s', 'end_s');
  header.push(...clinicalFields.map((f) => f.name));

  const table: string[][] = [header];
  rows.forEach((row, i) => {
    const where = (column: string): { file: string; location: string } => ({
      file: manifestPath,
      location: `row ${i + 1} (line ${i + 2}), column ${column}`,
    });
    if (row.record.trim() === '') throw new FewbeatError('empty record path', where('record'));
    if (row.patientId.trim() === '') throw new FewbeatError('empty patient id', where('patient_id'));
    if (row.labels.length === 0 || row.labels.some((l) => l.trim() === '' || l.includes(';'))) {
      throw new FewbeatError(
        `labels ${JSON.stringify(row.labels)}: need at least one, none empty or containing ';'`,
        where('label'),
      );
    }
    const age = row.ageYears;
    if (age !== null && !(Number.isFinite(age) && age >= AGE_LIMITS_YEARS[0] && age <= AGE_LIMITS_YEARS[1])) {
      throw new FewbeatError(`impossible age ${age} years`, where('age_years'));
    }
    const cells = [row.record, row.patientId, row.labels.join(';'), age === null ? '' : String(age), row.sex ?? ''];
    if (withSplit) cells.push(row.split ?? '');
    if (withWindow) {
      const w = row.window ?? null;
      if (w !== null && !(w.startS >= 0 && w.endS > w.startS))
        throw new FewbeatError(`bad window [${w.startS}, ${w.endS}) s`, where('start_s'));
      cells.push(w === null ? '' : String(w.startS), w === null ? '' : String(w.endS));
    }
    for (const field of clinicalFields) {
      const value = row.clinical[field.name];
      if (value === undefined)
        throw new FewbeatError(
          'value missing from the clinical context (use null for a missing value)',
          where(field.name),
        );
      const cell = formatClinicalCell(field, value);
      if (!cell.ok) throw new FewbeatError(cell.reason, where(field.name));
      cells.push(cell.text);
    }
    table.push(cells);
  });
  return stringify(table, { record_delimiter: '\n' });
}
