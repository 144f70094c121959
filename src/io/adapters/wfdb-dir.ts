import { readFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import {
  clinicalSchemaSchema,
  type ClinicalField,
  type ClinicalSchema,
  type ClinicalValue,
} from '../../clinical/schema.js';
import { FewbeatError } from '../../errors.js';
import { parseClinicalCell, parseDecimal, splitList } from '../manifest/cells.js';
import { resolveRecord } from '../manifest/record-format.js';
import { applyMaxAge, type CommonImportOptions, type ImportedCohort, type ImportedRow } from './imported-cohort.js';
import { readTable } from './read-table.js';

/**
 * Any folder of WFDB (or EDF/CSV) records plus a CSV keyed by record: columns `record` (path
 * relative to the folder, without extension) and `label` (`;`-separated), optional `patient_id`
 * (default: the record), `age_years`, `sex` (M/F), `split`; every other column is a clinical
 * field, described by `schema` (a clinical-schema.json) or else inferred: numeric when every
 * value is a number (range = the observed min..max), boolean when every value is 0/1/true/false/
 * yes/no, otherwise categorical over the observed values.
 */
export interface WfdbDirImportOptions extends CommonImportOptions {
  labels?: string | undefined;
  schema?: string | undefined;
}

const RESERVED = new Set(['record', 'label', 'patient_id', 'age_years', 'sex', 'split']);
const BOOLEAN_WORDS = new Set(['0', '1', 'true', 'false', 'yes', 'no']);

function inferField(name: string, values: string[]): ClinicalField {
  const present = values.filter((v) => v !== '');
  if (present.length > 0 && present.every((v) => BOOLEAN_WORDS.has(v.toLowerCase()))) return { name, type: 'boolean' };
  const numbers = present.map(parseDecimal);
  if (present.length > 0 && numbers.every((n) => n !== null)) {
    const ns = numbers as number[];
    return {
      name,
      type: 'numeric',
      unit: '1',
      range: [Math.min(...ns), Math.max(...ns)],
      description: 'inferred by fewbeat import: set the unit and a plausible range',
    };
  }
  return { name, type: 'categorical', categories: present.length > 0 ? [...new Set(present)].sort() : ['unknown'] };
}

export function importWfdbDir(src: string, opts: WfdbDirImportOptions = {}): ImportedCohort {
  if (!opts.labels) throw new FewbeatError('wfdb-dir needs --labels FILE: a CSV with columns record and label');
  const labelsFile = isAbsolute(opts.labels) ? opts.labels : join(process.cwd(), opts.labels);
  const table = readTable(labelsFile, ['record', 'label']);
  const columns = table.length > 0 ? Object.keys(table[0]!).filter((c) => !RESERVED.has(c)) : [];
  let schema: ClinicalSchema;
  if (opts.schema) {
    let json: unknown;
    try {
      json = JSON.parse(readFileSync(opts.schema, 'utf8'));
    } catch (e) {
      throw new FewbeatError(
        `cannot read the clinical schema (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`,
        { file: opts.schema },
      );
    }
    const parsed = clinicalSchemaSchema.safeParse(json);
    if (!parsed.success)
      throw new FewbeatError(
        `invalid clinical schema: ${parsed.error.issues[0]!.path.join('.')}: ${parsed.error.issues[0]!.message}`,
        { file: opts.schema },
      );
    schema = parsed.data;
    const missing = schema.fields.filter(
      (f) => !columns.includes(f.name) && f.name !== 'age_years' && f.name !== 'sex',
    );
    if (missing.length > 0)
      throw new FewbeatError(
        `schema field(s) ${missing.map((f) => f.name).join(', ')} are not columns of the labels CSV`,
        { file: labelsFile },
      );
  } else {
    schema = {
      version: 1,
      fields: columns.map((c) =>
        inferField(
          c,
          table.map((r) => (r[c] ?? '').trim()),
        ),
      ),
    };
  }
  const rows: ImportedRow[] = [];
  const warnings: string[] = [];
  table.forEach((r, i) => {
    const where = (column: string): { file: string; location: string } => ({
      file: labelsFile,
      location: `line ${i + 2}, column ${column}`,
    });
    const recordPath = join(src, r.record!);
    if (resolveRecord(recordPath) === null) {
      warnings.push(`${labelsFile} line ${i + 2}: record ${r.record} not found in ${src}, skipped`);
      return;
    }
    const labels = splitList(r.label ?? '');
    if (labels.length === 0) throw new FewbeatError('no label', where('label'));
    const ageText = (r.age_years ?? '').trim();
    const age = ageText === '' ? null : parseDecimal(ageText);
    if (ageText !== '' && (age === null || age < 0 || age > 120))
      throw new FewbeatError(`impossible age '${ageText}'`, where('age_years'));
    const sexText = (r.sex ?? '').trim();
    if (sexText !== '' && sexText !== 'M' && sexText !== 'F')
      throw new FewbeatError(`unknown sex code '${sexText}', expected M, F or empty`, where('sex'));
    const clinical: Record<string, ClinicalValue> = {};
    for (const f of schema.fields) {
      if (f.name === 'age_years' || f.name === 'sex') continue;
      const cell = parseClinicalCell(f, r[f.name] ?? '');
      if (!cell.ok) throw new FewbeatError(cell.reason, where(f.name));
      clinical[f.name] = cell.value;
    }
    rows.push({
      recordPath,
      patientId: (r.patient_id ?? '').trim() || r.record!,
      labels,
      ageYears: age,
      sex: sexText === '' ? null : (sexText as 'M' | 'F'),
      split: (r.split ?? '').trim() || null,
      window: null,
      clinical,
    });
  });
  if (!opts.schema && columns.length > 0)
    warnings.push(
      `clinical field types inferred from the CSV ` +
        `(${schema.fields.map((f) => `${f.name}: ${f.type}`).join(', ')}); ` +
        `pass --schema to set units and ranges`,
    );
  return applyMaxAge({ format: 'wfdb-dir', src, schema, rows, warnings }, opts.maxAge);
}
