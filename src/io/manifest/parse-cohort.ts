import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse as parseCsv } from 'csv-parse/sync';
import { clinicalSchemaSchema, type ClinicalContext, type ClinicalSchema } from '../../clinical/schema.js';
import { parseClinicalCell, parseDecimal, splitList } from './cells.js';
import {
  AGE_LIMITS_YEARS, MANIFEST_FILE, RESERVED_COLUMNS, REQUIRED_COLUMNS, SCHEMA_FILE,
  type Cohort, type CohortRow, type CohortWindow, type ManifestProblem,
} from './cohort.js';
import { isRecognisedLabel } from './known-classes.js';
import { resolveRecord } from './record-format.js';

/** Columns that may double as schema fields (the schema then adds its own range / categories). */
const IMPLIED_FIELDS = new Set(['age_years', 'sex']);

type Report = (p: Omit<ManifestProblem, 'severity' | 'file'> & { severity?: ManifestProblem['severity'] }) => void;

/**
 * Read and check a cohort folder (`manifest.csv` + `clinical-schema.json`), collecting every
 * problem with its line and column. The cohort is returned only when there is no error.
 */
export function inspectCohort(dir: string): { cohort: Cohort | null; problems: ManifestProblem[] } {
  const absDir = resolve(dir);
  const problems: ManifestProblem[] = [];
  const reporter = (file: string): Report => (p) => problems.push({ file, severity: 'error', ...p });
  if (!existsSync(absDir) || !statSync(absDir).isDirectory()) {
    problems.push({ file: dir, line: 0, column: '', reason: 'not a cohort folder (no such directory)', severity: 'error' });
    return { cohort: null, problems };
  }
  const schema = readSchema(absDir, reporter(SCHEMA_FILE));
  const rows = readManifest(absDir, schema, reporter(MANIFEST_FILE));
  const ok = schema !== null && rows !== null && !problems.some((p) => p.severity === 'error');
  return { cohort: ok ? { dir: absDir, schema, rows } : null, problems };
}

function readSchema(dir: string, report: Report): ClinicalSchema | null {
  const path = join(dir, SCHEMA_FILE);
  if (!existsSync(path)) {
    report({ line: 0, column: '', reason: 'file not found' });
    return null;
  }
  const text = readFileSync(path, 'utf8');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    const pos = /position (\d+)/.exec((e as Error).message);
    const line = pos ? text.slice(0, Number(pos[1])).split('\n').length : 0;
    report({ line, column: '', reason: `not valid JSON (${(e as Error).message})` });
    return null;
  }
  const parsed = clinicalSchemaSchema.safeParse(json);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) report({ line: 0, column: issue.path.join('.'), reason: issue.message });
    return null;
  }
  const schema = parsed.data;
  const before = schemaProblemCount(schema, report);
  return before === 0 ? schema : null;
}

/** Checks zod cannot express: unique names, no clash with reserved columns, sane ranges. */
function schemaProblemCount(schema: ClinicalSchema, report: Report): number {
  let count = 0;
  const seen = new Set<string>();
  schema.fields.forEach((f, i) => {
    const column = `fields.${i}`;
    const fail = (reason: string): void => { count++; report({ line: 0, column, reason }); };
    if (seen.has(f.name)) fail(`duplicate field name '${f.name}'`);
    seen.add(f.name);
    if ((RESERVED_COLUMNS as readonly string[]).includes(f.name) && !IMPLIED_FIELDS.has(f.name)) fail(`field name '${f.name}' is a reserved manifest column`);
    if (f.name === 'age_years' && f.type !== 'numeric') fail(`field 'age_years' must be numeric`);
    if (f.name === 'sex' && (f.type !== 'categorical' || f.categories.some((c) => c !== 'M' && c !== 'F'))) fail(`field 'sex' must be categorical over M, F`);
    if (f.type === 'numeric' && !(f.range[0] <= f.range[1])) fail(`range [${f.range[0]}, ${f.range[1]}] is empty`);
  });
  return count;
}

interface Header {
  index: Map<string, number>;
  width: number;
}

function readManifest(dir: string, schema: ClinicalSchema | null, report: Report): CohortRow[] | null {
  const path = join(dir, MANIFEST_FILE);
  if (!existsSync(path)) {
    report({ line: 0, column: '', reason: 'file not found' });
    return null;
  }
  let records: Array<{ record: string[]; info: { lines: number } }>;
  try {
    records = parseCsv(readFileSync(path, 'utf8'), { bom: true, relax_column_count: true, skip_empty_lines: true, info: true }) as unknown as typeof records;
  } catch (e) {
    const line = typeof (e as { lines?: unknown }).lines === 'number' ? (e as { lines: number }).lines : 0;
    report({ line, column: '', reason: `not valid CSV (${(e as Error).message})` });
    return null;
  }
  if (records.length === 0) {
    report({ line: 1, column: '', reason: 'empty manifest: no header line' });
    return null;
  }
  const header = readHeader(records[0]!.record, schema, report);
  if (header === null) return null;
  const rows: CohortRow[] = [];
  const firstLineOf = new Map<string, number>();
  const resolved = new Map<string, boolean>();
  for (const { record: cells, info } of records.slice(1)) {
    const line = info.lines;
    if (cells.length !== header.width) {
      report({ line, column: '', reason: `has ${cells.length} cells, the header has ${header.width}` });
      continue;
    }
    const { row, ok, identity } = readRow(dir, line, cells, header, schema, report, resolved);
    const first = identity === null ? undefined : firstLineOf.get(identity);
    if (first !== undefined) report({ line, column: 'record', reason: `duplicate of line ${first} (same record${row.window ? ' and window' : ''})` });
    else if (identity !== null) firstLineOf.set(identity, line);
    if (ok) rows.push(row);
  }
  if (rows.length === 0 && records.length === 1) report({ line: 1, column: '', reason: 'manifest has a header but no rows' });
  return rows;
}

function readHeader(names: string[], schema: ClinicalSchema | null, report: Report): Header | null {
  const index = new Map<string, number>();
  let ok = true;
  names.forEach((raw, i) => {
    const name = raw.trim();
    if (index.has(name)) { ok = false; report({ line: 1, column: name, reason: 'duplicate column' }); }
    index.set(name, i);
    const known = (RESERVED_COLUMNS as readonly string[]).includes(name) || schema === null || schema.fields.some((f) => f.name === name);
    if (!known) { ok = false; report({ line: 1, column: name, reason: `unknown column: not a manifest column and not a field of ${SCHEMA_FILE}` }); }
  });
  for (const name of REQUIRED_COLUMNS) {
    if (!index.has(name)) { ok = false; report({ line: 1, column: name, reason: 'required column is missing' }); }
  }
  if (index.has('start_s') !== index.has('end_s')) { ok = false; report({ line: 1, column: index.has('start_s') ? 'end_s' : 'start_s', reason: 'window columns come in pairs: start_s and end_s' }); }
  for (const f of schema?.fields ?? []) {
    if (!index.has(f.name)) { ok = false; report({ line: 1, column: f.name, reason: `column of ${SCHEMA_FILE} field is missing` }); }
  }
  return ok ? { index, width: names.length } : null;
}

function readRow(
  dir: string, line: number, cells: string[], header: Header, schema: ClinicalSchema | null, report: Report, resolved: Map<string, boolean>,
): { row: CohortRow; ok: boolean; identity: string | null } {
  let ok = true;
  const cell = (name: string): string => { const i = header.index.get(name); return i === undefined ? '' : cells[i]!.trim(); };
  const fail = (column: string, reason: string): void => { ok = false; report({ line, column, reason }); };

  const record = cell('record');
  const recordPath = resolve(dir, record);
  if (record === '') fail('record', 'empty record path');
  else {
    let exists = resolved.get(recordPath);
    if (exists === undefined) { exists = resolveRecord(recordPath) !== null; resolved.set(recordPath, exists); }
    if (!exists) fail('record', `record not found: no ${record}.hea, .edf, .bdf or .csv`);
  }
  const patientId = cell('patient_id');
  if (patientId === '') fail('patient_id', 'empty patient id');

  const labels = splitList(cell('label'));
  if (labels.length === 0) fail('label', 'no label');
  for (const label of labels) {
    if (!isRecognisedLabel(label)) report({ line, column: 'label', severity: 'warning', reason: `label '${label}' is not a class id of data/classes.json (write unmapped source labels as source:${label})` });
  }

  const ageYears = readAge(cell('age_years'), schema, (reason) => fail('age_years', reason));
  const sexText = cell('sex');
  let sex: 'M' | 'F' | null = null;
  if (sexText === 'M' || sexText === 'F') sex = sexText;
  else if (sexText !== '') fail('sex', `unknown sex code '${sexText}', expected M, F or empty`);

  const split = cell('split') === '' ? null : cell('split');
  const windowText = [cell('start_s'), cell('end_s')] as const;
  const window = readWindow(...windowText, fail);
  /** What makes two rows duplicates: the same record file and window (null when either is unreadable). */
  const identity = record === '' || (window === null && windowText.join('') !== '') ? null : `${recordPath}\u0000${window ? `${window.startS}-${window.endS}` : ''}`;

  const clinical: ClinicalContext = {};
  for (const field of schema?.fields ?? []) {
    if (field.name === 'age_years') { clinical[field.name] = ageYears; continue; }
    if (field.name === 'sex') { clinical[field.name] = sex; continue; }
    const parsed = parseClinicalCell(field, cell(field.name));
    if (parsed.ok) clinical[field.name] = parsed.value;
    else fail(field.name, parsed.reason);
  }
  return { row: { line, record, recordPath, patientId, labels, ageYears, sex, split, window, clinical }, ok, identity };
}

function readAge(text: string, schema: ClinicalSchema | null, fail: (reason: string) => void): number | null {
  if (text === '') return null;
  const age = parseDecimal(text);
  if (age === null) { fail(`not a number: '${text}' (decimal years expected)`); return null; }
  const [lo, hi] = AGE_LIMITS_YEARS;
  if (age < lo || age > hi) { fail(`impossible age ${age} years, expected within [${lo}, ${hi}]`); return null; }
  const field = schema?.fields.find((f) => f.name === 'age_years');
  if (field?.type === 'numeric' && (age < field.range[0] || age > field.range[1])) {
    fail(`age ${age} years is outside the schema's range [${field.range[0]}, ${field.range[1]}]`);
    return null;
  }
  return age;
}

function readWindow(startText: string, endText: string, fail: (column: string, reason: string) => void): CohortWindow | null {
  if (startText === '' && endText === '') return null;
  const startS = parseDecimal(startText);
  const endS = parseDecimal(endText);
  if (startS === null) { fail('start_s', `not a number: '${startText}' (seconds from the record start)`); return null; }
  if (endS === null) { fail('end_s', `not a number: '${endText}' (seconds from the record start)`); return null; }
  if (startS < 0) { fail('start_s', `negative window start ${startS} s`); return null; }
  if (!(endS > startS)) { fail('end_s', `window end ${endS} s is not after its start ${startS} s`); return null; }
  return { startS, endS };
}
