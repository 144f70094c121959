import type { ClinicalField, ClinicalValue } from '../../clinical/schema.js';

/**
 * Reading and writing manifest cells. Encodings (see src/clinical/schema.ts): an empty cell is
 * missing; numeric = decimal number inside `range`; boolean = `1`/`0` (`true`/`false`,
 * `yes`/`no` accepted on reading); categorical = one of `categories`; multi-label = items of
 * `labels` separated by `;`, with `none` for the explicit empty set.
 */
export type CellResult = { ok: true; value: ClinicalValue } | { ok: false; reason: string };

const TRUE_WORDS = new Set(['1', 'true', 'yes']);
const FALSE_WORDS = new Set(['0', 'false', 'no']);
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** A strict decimal number: no hex, no `Infinity`, no `NaN`, no blanks; null when not one. */
export function parseDecimal(text: string): number | null {
  const t = text.trim();
  if (!DECIMAL.test(t)) return null;
  const v = Number(t);
  return Number.isFinite(v) ? v : null;
}

/** Split a `;`-separated list cell into trimmed, non-empty items. */
export function splitList(text: string): string[] {
  return text
    .split(';')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

export function parseClinicalCell(field: ClinicalField, raw: string): CellResult {
  const text = raw.trim();
  if (text === '') return { ok: true, value: null };
  switch (field.type) {
    case 'numeric': {
      const v = parseDecimal(text);
      if (v === null) return { ok: false, reason: `not a number: '${raw}'` };
      const [lo, hi] = field.range;
      if (v < lo || v > hi)
        return { ok: false, reason: `impossible value ${v} ${field.unit}, expected within [${lo}, ${hi}]` };
      return { ok: true, value: v };
    }
    case 'boolean': {
      const w = text.toLowerCase();
      if (TRUE_WORDS.has(w)) return { ok: true, value: true };
      if (FALSE_WORDS.has(w)) return { ok: true, value: false };
      return { ok: false, reason: `not a boolean: '${raw}', expected 1 or 0` };
    }
    case 'categorical':
      if (field.categories.includes(text)) return { ok: true, value: text };
      return { ok: false, reason: `unknown category '${text}', expected one of ${field.categories.join(', ')}` };
    case 'multi-label': {
      if (text === 'none') return { ok: true, value: [] };
      const items = splitList(text);
      const unknown = items.filter((i) => !field.labels.includes(i));
      if (unknown.length > 0)
        return {
          ok: false,
          reason:
            `unknown label(s) ${unknown.map((u) => `'${u}'`).join(', ')}, ` +
            `expected some of ${field.labels.join(', ')}`,
        };
      return { ok: true, value: items };
    }
  }
}

/** The cell text of a value: the inverse of `parseClinicalCell`, or the reason the value does not fit the field. */
export function formatClinicalCell(
  field: ClinicalField,
  value: ClinicalValue,
): { ok: true; text: string } | { ok: false; reason: string } {
  if (value === null) return { ok: true, text: '' };
  const text = cellText(field, value);
  if (text === null) return { ok: false, reason: `value ${JSON.stringify(value)} does not fit a ${field.type} field` };
  const back = parseClinicalCell(field, text);
  return back.ok ? { ok: true, text } : back;
}

function cellText(field: ClinicalField, value: Exclude<ClinicalValue, null>): string | null {
  switch (field.type) {
    case 'numeric':
      return typeof value === 'number' && Number.isFinite(value) ? String(value) : null;
    case 'boolean':
      return typeof value === 'boolean' ? (value ? '1' : '0') : null;
    case 'categorical':
      return typeof value === 'string' ? value : null;
    case 'multi-label':
      if (!Array.isArray(value) || value.some((v) => typeof v !== 'string' || v.includes(';'))) return null;
      return value.length === 0 ? 'none' : value.join(';');
  }
}
