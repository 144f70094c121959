import type { ClinicalField } from '../api/types';

/** The fields every case may carry besides the model's own clinical schema (the service implies them). */
export const IMPLIED_FIELDS: ClinicalField[] = [
  {
    name: 'age_years',
    type: 'numeric',
    unit: 'years',
    range: [0, 25],
    description: 'age at the recording, in decimal years (e.g. 0.5 for six months)',
  },
  { name: 'sex', type: 'categorical', categories: ['M', 'F'], description: 'sex' },
];

export type ParsedValue =
  { ok: true; value: number | boolean | string | string[] | null } | { ok: false; error: string };

/**
 * "heart_rate" -> "Heart rate"; a name that ends with its unit loses it, since the unit is shown beside the label
 * ("potassium_mmol_l" in mmol/L -> "Potassium").
 */
export function fieldLabel(name: string, unit?: string): string {
  let base = name;
  if (unit) {
    const suffix = '_' + unit.toLowerCase().replace(/[^a-z0-9]+/g, '_');
    if (base.toLowerCase().endsWith(suffix) && base.length > suffix.length) base = base.slice(0, -suffix.length);
  }
  const words = base.replace(/_/g, ' ').trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/**
 * Reads what the user typed or chose for one field. Empty means missing (null), never zero or "no".
 * Numbers accept a decimal comma; a value outside the field's plausible range is refused with the range and unit.
 */
export function parseFieldInput(field: ClinicalField, raw: string | readonly string[]): ParsedValue {
  if (field.type === 'multi-label') {
    const chosen = (typeof raw === 'string' ? (raw ? raw.split(';') : []) : raw).map((v) => v.trim()).filter(Boolean);
    const unknown = chosen.filter((v) => !field.labels.includes(v));
    if (unknown.length) return { ok: false, error: `not one of ${field.labels.join(', ')}: ${unknown.join(', ')}` };
    return { ok: true, value: chosen.length ? chosen : null };
  }
  const text = (typeof raw === 'string' ? raw : raw.join(';')).trim();
  if (text === '') return { ok: true, value: null };
  switch (field.type) {
    case 'numeric': {
      const normalised = text.replace(',', '.');
      const v = /^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(normalised) ? Number(normalised) : NaN;
      if (!Number.isFinite(v)) return { ok: false, error: `“${text}” is not a number (in ${field.unit})` };
      const [lo, hi] = field.range;
      if (v < lo || v > hi)
        return { ok: false, error: `${v} ${field.unit} is outside the plausible range ${lo} to ${hi} ${field.unit}` };
      return { ok: true, value: v };
    }
    case 'boolean':
      if (text === 'yes') return { ok: true, value: true };
      if (text === 'no') return { ok: true, value: false };
      return { ok: false, error: `answer yes, no, or leave empty (got “${text}”)` };
    case 'categorical':
      if (!field.categories.includes(text))
        return { ok: false, error: `choose one of ${field.categories.join(', ')} (got “${text}”)` };
      return { ok: true, value: text };
  }
}
