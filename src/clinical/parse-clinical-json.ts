import { FewbeatError } from '../errors.js';
import type { ClinicalInput } from './encode.js';
import type { ClinicalContext, ClinicalSchema } from './schema.js';

/**
 * The child's context from a JSON object `{ "age_years": 0.5, "sex": "F", "<field>": value, ... }`
 * (fields as in the model's clinical schema; absent or null = missing), checked field by field.
 */
export function parseClinicalJson(json: unknown, schema: ClinicalSchema, file: string): ClinicalInput {
  if (typeof json !== 'object' || json === null || Array.isArray(json))
    throw new FewbeatError('expected a JSON object of clinical fields', { file });
  const o = json as Record<string, unknown>;
  const age = o.age_years ?? null;
  if (age !== null && (typeof age !== 'number' || !(age >= 0 && age <= 120)))
    throw new FewbeatError(`age_years: expected years in [0, 120], got ${JSON.stringify(age)}`, { file });
  const sex = o.sex ?? null;
  if (sex !== null && sex !== 'M' && sex !== 'F')
    throw new FewbeatError(`sex: expected "M" or "F", got ${JSON.stringify(sex)}`, { file });
  const known = new Set(['age_years', 'sex', ...schema.fields.map((f) => f.name)]);
  const unknown = Object.keys(o).filter((k) => !known.has(k));
  if (unknown.length > 0)
    throw new FewbeatError(`unknown field ${unknown[0]} (the model knows ${[...known].join(', ')})`, { file });
  const clinical: ClinicalContext = {};
  for (const f of schema.fields) {
    const v = o[f.name] ?? null;
    const bad = (want: string): never => {
      throw new FewbeatError(`${f.name}: expected ${want}, got ${JSON.stringify(v)}`, { file });
    };
    if (v === null) clinical[f.name] = null;
    else if (f.type === 'numeric')
      clinical[f.name] =
        typeof v === 'number' && v >= f.range[0] && v <= f.range[1]
          ? v
          : bad(`a number in [${f.range.join(', ')}] ${f.unit}`);
    else if (f.type === 'boolean') clinical[f.name] = typeof v === 'boolean' ? v : bad('true or false');
    else if (f.type === 'categorical')
      clinical[f.name] =
        typeof v === 'string' && f.categories.includes(v) ? v : bad(`one of ${f.categories.join(', ')}`);
    else
      clinical[f.name] =
        Array.isArray(v) && v.every((x) => typeof x === 'string' && f.labels.includes(x))
          ? (v as string[])
          : bad(`a list of ${f.labels.join(', ')}`);
  }
  return { ageYears: age as number | null, sex: sex as 'M' | 'F' | null, clinical };
}
