import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { parse as parseCsv } from 'csv-parse/sync';
import { notTextReason } from '../text-encoding.js';
import type { z } from 'zod';
import { clinicalSchemaSchema, type ClinicalContext, type ClinicalSchema } from '../../clinical/schema.js';
import { splitList } from './cells.js';
import {
  MANIFEST_FILE,
  RESERVED_COLUMNS,
  REQUIRED_COLUMNS,
  SCHEMA_FILE,
  type Cohort,
  type CohortRow,
  type ManifestProblem,
} from './cohort.js';
import { clinicalCellsSchema, manifestRowSchema, windowCellsSchema } from './row-schema.js';
import { isRecognisedLabel } from './known-classes.js';
import { resolveRecord } from './record-format.js';

/** Columns that may double as schema fields (the schema then adds its own range / categories). */
const IMPLIED_FIELDS = new Set(['age_years', 'sex']);

type Report = (p: Omit<ManifestProblem, 'severity' | 'file'> & { severity?: ManifestProblem['severity'] }) => void;

/**
 * The cohort folder a user named: the folder itself, or the folder of a `manifest.csv` path
 * (`--manifest cohort/manifest.csv` and `--manifest cohort` mean the same cohort).
 */
export function cohortDirOf(path: string): string {
  const abs = resolve(path);
  return basename(abs) === MANIFEST_FILE && existsSync(abs) && statSync(abs).isFile() ? dirname(abs) : abs;
}

/**
 * Read and check a cohort folder (`manifest.csv` + `clinical-schema.json`; `dir` may also be the
 * manifest's own path), collecting every problem with its line and column. The cohort is returned
 * only when there is no error.
 */
export function inspectCohort(dir: string): { cohort: Cohort | null; problems: ManifestProblem[] } {
  const absDir = cohortDirOf(dir);
  const problems: ManifestProblem[] = [];
  const reporter =
    (file: string): Report =>
    (p) =>
      problems.push({ file, severity: 'error', ...p });
  if (!existsSync(absDir) || !statSync(absDir).isDirectory()) {
    problems.push({
      file: dir,
      line: 0,
      column: '',
      reason: `not a cohort folder or its ${MANIFEST_FILE} (no such directory)`,
      severity: 'error',
    });
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
  return schemaProblemCount(parsed.data, report) === 0 ? parsed.data : null;
}

/** Checks zod cannot express: unique names, no clash with reserved columns, sane ranges. */
function schemaProblemCount(schema: ClinicalSchema, report: Report): number {
  let count = 0;
  const seen = new Set<string>();
  schema.fields.forEach((f, i) => {
    const column = `fields.${i}`;
    const fail = (reason: string): void => {
      count++;
      report({ line: 0, column, reason });
    };
    if (seen.has(f.name)) fail(`duplicate field name '${f.name}'`);
    seen.add(f.name);
    if ((RESERVED_COLUMNS as readonly string[]).includes(f.name) && !IMPLIED_FIELDS.has(f.name))
      fail(`field name '${f.name}' is a reserved manifest column`);
    if (f.name === 'age_years' && f.type !== 'numeric') fail(`field 'age_years' must be numeric`);
    if (f.name === 'sex' && (f.type !== 'categorical' || f.categories.some((c) => c !== 'M' && c !== 'F')))
      fail(`field 'sex' must be categorical over M, F`);
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
  const bytes = readFileSync(path);
  const notText = notTextReason(bytes);
  if (notText !== null) {
    report({ line: 0, column: '', reason: notText });
    return null;
  }
  let records: Array<{ record: string[]; info: { lines: number } }>;
  try {
    records = parseCsv(bytes.toString('utf8'), {
      bom: true,
      relax_column_count: true,
      skip_empty_lines: true,
      info: true,
    }) as unknown as typeof records;
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
  const schemas = rowSchemas(schema);
  for (const { record: cells, info } of records.slice(1)) {
    const line = info.lines;
    if (cells.length !== header.width) {
      report({ line, column: '', reason: `has ${cells.length} cells, the header has ${header.width}` });
      continue;
    }
    const { row, ok, identity } = readRow(dir, line, cells, header, schemas, report, resolved);
    const first = identity === null ? undefined : firstLineOf.get(identity);
    if (first !== undefined)
      report({
        line,
        column: 'record',
        reason: `duplicate of line ${first} (same record${row.window ? ' and window' : ''})`,
      });
    else if (identity !== null) firstLineOf.set(identity, line);
    if (ok) rows.push(row);
  }
  if (rows.length === 0 && records.length === 1)
    report({ line: 1, column: '', reason: 'manifest has a header but no rows' });
  return rows;
}

function readHeader(names: string[], schema: ClinicalSchema | null, report: Report): Header | null {
  const index = new Map<string, number>();
  let ok = true;
  names.forEach((raw, i) => {
    const name = raw.trim();
    if (index.has(name)) {
      ok = false;
      report({ line: 1, column: name, reason: 'duplicate column' });
    }
    index.set(name, i);
    const known =
      (RESERVED_COLUMNS as readonly string[]).includes(name) ||
      schema === null ||
      schema.fields.some((f) => f.name === name);
    if (!known) {
      ok = false;
      report({
        line: 1,
        column: name,
        reason: `unknown column: not a manifest column and not a field of ${SCHEMA_FILE}`,
      });
    }
  });
  for (const name of REQUIRED_COLUMNS) {
    if (!index.has(name)) {
      ok = false;
      report({ line: 1, column: name, reason: 'required column is missing' });
    }
  }
  if (index.has('start_s') !== index.has('end_s')) {
    ok = false;
    report({
      line: 1,
      column: index.has('start_s') ? 'end_s' : 'start_s',
      reason: 'window columns come in pairs: start_s and end_s',
    });
  }
  for (const f of schema?.fields ?? []) {
    if (!index.has(f.name)) {
      ok = false;
      report({ line: 1, column: f.name, reason: `column of ${SCHEMA_FILE} field is missing` });
    }
  }
  return ok ? { index, width: names.length } : null;
}

/** Report every zod issue of a row as a problem at its column. */
function reportIssues(error: z.ZodError, line: number, report: Report): void {
  for (const issue of error.issues) report({ line, column: String(issue.path[0] ?? ''), reason: issue.message });
}

function readRow(
  dir: string,
  line: number,
  cells: string[],
  header: Header,
  schemas: RowSchemas,
  report: Report,
  resolved: Map<string, boolean>,
): { row: CohortRow; ok: boolean; identity: string | null } {
  const byColumn: Record<string, string> = {};
  for (const name of new Set([...RESERVED_COLUMNS, ...header.index.keys()])) {
    const i = header.index.get(name);
    byColumn[name] = i === undefined ? '' : cells[i]!;
  }
  const own = schemas.row.safeParse(byColumn);
  const window = schemas.window.safeParse(byColumn);
  const clinical = schemas.clinical.safeParse(byColumn);
  let ok = own.success && window.success && clinical.success;
  for (const r of [own, window, clinical]) if (!r.success) reportIssues(r.error, line, report);

  const record = byColumn.record!.trim();
  const recordPath = resolve(dir, record);
  if (record !== '') {
    let exists = resolved.get(recordPath);
    if (exists === undefined) {
      exists = resolveRecord(recordPath) !== null;
      resolved.set(recordPath, exists);
    }
    if (!exists) {
      ok = false;
      report({ line, column: 'record', reason: `record not found: no ${record}.hea, .edf, .bdf or .csv` });
    }
  }
  const labels = splitList(byColumn.label!);
  for (const label of labels) {
    if (!isRecognisedLabel(label))
      report({
        line,
        column: 'label',
        severity: 'warning',
        reason:
          `label '${label}' is not a class id of data/classes.json (write ` +
          `unmapped source labels as source:${label})`,
      });
  }
  const win = window.success ? window.data : null;
  /** What makes two rows duplicates: the same record file and window (null when either is unreadable). */
  const identity =
    record === '' || !window.success ? null : `${recordPath}\u0000${win ? `${win.startS}-${win.endS}` : ''}`;
  const v = own.success ? own.data : { patient_id: '', label: labels, age_years: null, sex: null, split: null };
  const context: ClinicalContext = clinical.success ? { ...clinical.data } : {};
  for (const f of schemas.implied) context[f] = f === 'age_years' ? v.age_years : v.sex;
  return {
    row: {
      line,
      record,
      recordPath,
      patientId: v.patient_id,
      labels: v.label,
      ageYears: v.age_years,
      sex: v.sex,
      split: v.split,
      window: win,
      clinical: orderLike(schemas.fieldNames, context),
    },
    ok,
    identity,
  };
}

/** The zod schemas of a manifest's rows, built once per cohort. */
interface RowSchemas {
  row: ReturnType<typeof manifestRowSchema>;
  window: typeof windowCellsSchema;
  clinical: ReturnType<typeof clinicalCellsSchema>;
  /** Schema fields that are read from the age_years / sex columns. */
  implied: Array<'age_years' | 'sex'>;
  fieldNames: string[];
}

function rowSchemas(schema: ClinicalSchema | null): RowSchemas {
  const names = schema?.fields.map((f) => f.name) ?? [];
  return {
    row: manifestRowSchema(schema),
    window: windowCellsSchema,
    clinical: clinicalCellsSchema(schema),
    implied: names.filter((n): n is 'age_years' | 'sex' => n === 'age_years' || n === 'sex'),
    fieldNames: names,
  };
}

/** The context with its keys in schema order (so rows compare and print the same way). */
function orderLike(names: string[], context: ClinicalContext): ClinicalContext {
  return Object.fromEntries(names.map((n) => [n, context[n] ?? null]));
}
