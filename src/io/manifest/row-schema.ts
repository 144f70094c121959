import { z } from 'zod';
import type { ClinicalContext, ClinicalSchema, ClinicalValue } from '../../clinical/schema.js';
import { parseClinicalCell, parseDecimal, splitList, type CellResult } from './cells.js';
import { AGE_LIMITS_YEARS, type CohortWindow } from './cohort.js';

/**
 * zod schemas of one manifest row, built from the cohort's clinical schema: the input is the row
 * as column → cell text (every reserved column present, `''` when absent), the output the typed
 * values. Each failing cell becomes a zod issue whose path is its column, so the validator can
 * report line and column for every problem at once.
 */
type Parsed<T> = { ok: true; value: T } | { ok: false; reason: string };

/** A string cell parsed by `parse`; a failure is a custom issue carrying the parser's reason. */
function cell<T>(parse: (text: string) => Parsed<T>): z.ZodType<T, string> {
  return z.string().transform((raw, ctx) => {
    const r = parse(raw.trim());
    if (r.ok) return r.value;
    ctx.addIssue({ code: 'custom', message: r.reason });
    return z.NEVER;
  });
}

const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });
const fail = (reason: string): Parsed<never> => ({ ok: false, reason });

function age(schema: ClinicalSchema | null) {
  const field = schema?.fields.find((f) => f.name === 'age_years');
  return cell((t): Parsed<number | null> => {
    if (t === '') return ok(null);
    const a = parseDecimal(t);
    if (a === null) return fail(`not a number: '${t}' (decimal years expected)`);
    const [lo, hi] = AGE_LIMITS_YEARS;
    if (a < lo || a > hi) return fail(`impossible age ${a} years, expected within [${lo}, ${hi}]`);
    if (field?.type === 'numeric' && (a < field.range[0] || a > field.range[1]))
      return fail(`age ${a} years is outside the schema's range [${field.range[0]}, ${field.range[1]}]`);
    return ok(a);
  });
}

const seconds = cell((t): Parsed<number | null> => {
  if (t === '') return ok(null);
  const s = parseDecimal(t);
  return s === null ? fail(`not a number: '${t}' (seconds from the record start)`) : ok(s);
});

/** The row's own columns (the clinical fields are checked by `clinicalCellsSchema`). */
export function manifestRowSchema(schema: ClinicalSchema | null) {
  return z.object({
    record: cell((t) => (t === '' ? fail('empty record path') : ok(t))),
    patient_id: cell((t) => (t === '' ? fail('empty patient id') : ok(t))),
    label: cell((t) => {
      const labels = splitList(t);
      return labels.length > 0 ? ok(labels) : fail('no label');
    }),
    age_years: age(schema),
    sex: cell((t): Parsed<'M' | 'F' | null> =>
      t === '' ? ok(null) : t === 'M' || t === 'F' ? ok(t) : fail(`unknown sex code '${t}', expected M, F or empty`),
    ),
    split: cell((t) => ok(t === '' ? null : t)),
  });
}

/** `start_s`/`end_s`: both empty (whole record) or a window with 0 ≤ start < end. */
export const windowCellsSchema = z
  .object({ start_s: seconds, end_s: seconds })
  .transform((v, ctx): CohortWindow | null => {
    if (v.start_s === null && v.end_s === null) return null;
    const issue = (column: 'start_s' | 'end_s', message: string): typeof z.NEVER => {
      ctx.addIssue({ code: 'custom', path: [column], message });
      return z.NEVER;
    };
    if (v.start_s === null) return issue('start_s', 'window start missing (start_s and end_s go together)');
    if (v.end_s === null) return issue('end_s', 'window end missing (start_s and end_s go together)');
    if (v.start_s < 0) return issue('start_s', `negative window start ${v.start_s} s`);
    if (!(v.end_s > v.start_s)) return issue('end_s', `window end ${v.end_s} s is not after its start ${v.start_s} s`);
    return { startS: v.start_s, endS: v.end_s };
  });

/** The clinical columns: one cell parser per schema field (age_years and sex are read as row columns). */
export function clinicalCellsSchema(schema: ClinicalSchema | null): z.ZodType<ClinicalContext, Record<string, string>> {
  const shape: Record<string, z.ZodType<ClinicalValue, string>> = {};
  for (const field of schema?.fields ?? []) {
    if (field.name === 'age_years' || field.name === 'sex') continue;
    shape[field.name] = cell((t): CellResult => parseClinicalCell(field, t));
  }
  return z.object(shape) as unknown as z.ZodType<ClinicalContext, Record<string, string>>;
}
