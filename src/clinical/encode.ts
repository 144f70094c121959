import { ageBandOf, type AgeBandId } from './age-bands.js';
import type { ClinicalContext, ClinicalSchema, ClinicalValue } from './schema.js';
import { FewbeatError } from '../errors.js';
import { Rng } from '../util/rng.js';

/**
 * Clinical-context encoding: one patient's context -> a fixed-length Float32Array for the clinical
 * encoder, with a missingness indicator for every field (the model sees *that* a value is
 * missing, not an imputed guess).
 *
 * Layout, field by field in schema order, preceded by the always-implied `age_years` and `sex`:
 * - numeric: `[z, z_age?, missing]` with z = (x − mean)/sd over the training rows, clipped to ±5 sd
 *   (x = log of the value for strictly positive, right-skewed fields such as troponin); `z_age` is the
 *   age-normalised variant (x − mean_band)/sd_band within the child's age band, included only for
 *   fields whose value depends on age (between-band share of variance η² ≥ 0.1 on the training
 *   rows, e.g. weight, height); `age_years` itself is encoded as z of log(1 + age).
 * - boolean: `[value, missing]`.
 * - categorical: one-hot over the categories, then `missing` (no `gather` downstream).
 * - multi-label: multi-hot over the labels, then `missing`.
 * A missing field is all zeros except its indicator, which is 1.
 */

/** Where one field sits in the encoded vector. */
export interface EncodedBlock {
  field: string;
  kind: 'numeric' | 'boolean' | 'categorical' | 'multi-label';
  /** First index of the field's values. */
  start: number;
  /** Number of value slots (not counting the missingness indicator at `start + width`). */
  width: number;
}

/** Per-field statistics fitted on training rows, for numerics. */
export interface NumericStats {
  /** `log`: the field is strictly positive and right-skewed on the training rows, so log(x) is standardised. */
  transform?: 'log';
  mean: number;
  sd: number;
  /** Per-age-band mean and sd, present when the field is age-dependent. */
  byAgeBand?: Partial<Record<AgeBandId, { mean: number; sd: number }>>;
}

/** The serialisable state of a fitted encoder (goes into the model's config.json). */
export interface ClinicalEncoderState {
  version: 1;
  schema: ClinicalSchema;
  numeric: Record<string, NumericStats>;
}

/** What the encoder reads from a cohort row. */
export interface ClinicalInput {
  ageYears: number | null;
  sex: 'M' | 'F' | null;
  clinical: ClinicalContext;
}

/** Standardised values are clipped to ±this many sd, so one extreme lab value cannot dominate the embedding. */
export const Z_CLIP = 5;
/** Sample skewness above which a strictly positive numeric (troponin, TSH) is log-transformed. */
export const LOG_SKEWNESS = 2;

/** Sample skewness g1 = m3 / m2^(3/2). */
function skewness(values: readonly number[]): number {
  const n = values.length;
  const mean = values.reduce((a, b) => a + b, 0) / n;
  let m2 = 0;
  let m3 = 0;
  for (const v of values) {
    m2 += (v - mean) ** 2;
    m3 += (v - mean) ** 3;
  }
  m2 /= n;
  m3 /= n;
  return m2 > 0 ? m3 / m2 ** 1.5 : 0;
}

const clipZ = (z: number): number => Math.max(-Z_CLIP, Math.min(Z_CLIP, z));

/** Share of variance explained by the age band above which a numeric gets an age-normalised variant. */
export const AGE_DEPENDENCE_ETA2 = 0.1;
/** Fewest values a band needs to get its own statistics; smaller bands use the global ones. */
export const MIN_BAND_COUNT = 5;

const AGE = 'age_years';
const SEX = 'sex';

function meanSd(values: readonly number[]): { mean: number; sd: number } {
  if (values.length === 0) return { mean: 0, sd: 1 };
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const variance = values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length;
  const sd = Math.sqrt(variance);
  return { mean, sd: sd > 1e-9 ? sd : 1 };
}

function rawNumeric(input: ClinicalInput, field: string): number | null {
  if (field === AGE) return input.ageYears === null ? null : Math.log1p(input.ageYears);
  const v = input.clinical[field];
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

function numericValue(input: ClinicalInput, field: string, transform: NumericStats['transform']): number | null {
  const v = rawNumeric(input, field);
  if (v === null || transform !== 'log') return v;
  return Math.log(Math.max(v, Number.MIN_VALUE));
}

/**
 * Fits the encoder on training rows and encodes contexts. Build with {@link ClinicalEncoder.fit};
 * restore a saved one with `new ClinicalEncoder(state)`.
 */
export class ClinicalEncoder {
  readonly state: ClinicalEncoderState;
  readonly blocks: readonly EncodedBlock[];
  /** Length of the encoded vector. */
  readonly size: number;

  constructor(state: ClinicalEncoderState) {
    this.state = state;
    const blocks: EncodedBlock[] = [];
    let at = 0;
    const add = (field: string, kind: EncodedBlock['kind'], width: number): void => {
      blocks.push({ field, kind, start: at, width });
      at += width + 1;
    };
    const numericWidth = (f: string): number => (state.numeric[f]?.byAgeBand ? 2 : 1);
    add(AGE, 'numeric', 1);
    add(SEX, 'categorical', 2);
    for (const f of state.schema.fields) {
      if (f.type === 'numeric') add(f.name, 'numeric', numericWidth(f.name));
      else if (f.type === 'boolean') add(f.name, 'boolean', 1);
      else if (f.type === 'categorical') add(f.name, 'categorical', f.categories.length);
      else add(f.name, 'multi-label', f.labels.length);
    }
    this.blocks = blocks;
    this.size = at;
  }

  /** Fit standardisation statistics (and age-band statistics of age-dependent numerics) on `rows`. */
  static fit(schema: ClinicalSchema, rows: readonly ClinicalInput[]): ClinicalEncoder {
    const numeric: Record<string, NumericStats> = {};
    const numericFields = [AGE, ...schema.fields.filter((f) => f.type === 'numeric').map((f) => f.name)];
    for (const field of numericFields) {
      const raw = rows.map((r) => rawNumeric(r, field)).filter((v): v is number => v !== null);
      const transform =
        field !== AGE && raw.length > 2 && raw.every((v) => v > 0) && skewness(raw) > LOG_SKEWNESS ? 'log' : undefined;
      const all: number[] = [];
      const byBand = new Map<AgeBandId, number[]>();
      for (const row of rows) {
        const v = numericValue(row, field, transform);
        if (v === null) continue;
        all.push(v);
        const band = ageBandOf(row.ageYears);
        if (band === 'unknown') continue;
        const list = byBand.get(band);
        if (list) list.push(v);
        else byBand.set(band, [v]);
      }
      const global = meanSd(all);
      const stats: NumericStats = { ...(transform ? { transform } : {}), ...global };
      if (field !== AGE && all.length > 0) {
        // η² = between-band sum of squares / total sum of squares (one-way ANOVA effect size).
        let between = 0;
        let counted = 0;
        const bandStats: NonNullable<NumericStats['byAgeBand']> = {};
        for (const [band, values] of byBand) {
          const s = meanSd(values);
          between += values.length * (s.mean - global.mean) ** 2;
          counted += values.length;
          if (values.length >= MIN_BAND_COUNT) bandStats[band] = s;
        }
        const total = all.reduce((a, v) => a + (v - global.mean) ** 2, 0);
        if (counted > 0 && total > 0 && between / total >= AGE_DEPENDENCE_ETA2) stats.byAgeBand = bandStats;
      }
      numeric[field] = stats;
    }
    return new ClinicalEncoder({ version: 1, schema, numeric });
  }

  /** Encode one context to a Float32Array of length {@link size}. */
  encode(input: ClinicalInput): Float32Array {
    const out = new Float32Array(this.size);
    for (const block of this.blocks) {
      const missing = !this.fill(out, block, input);
      if (missing) {
        out.fill(0, block.start, block.start + block.width);
        out[block.start + block.width] = 1;
      }
    }
    return out;
  }

  /** Write the field's values into `out`; false when the value is missing. */
  private fill(out: Float32Array, block: EncodedBlock, input: ClinicalInput): boolean {
    const { field, start } = block;
    if (block.kind === 'numeric') {
      const stats = this.state.numeric[field] as NumericStats;
      const v = numericValue(input, field, stats.transform);
      if (v === null) return false;
      out[start] = clipZ((v - stats.mean) / stats.sd);
      if (block.width === 2) {
        const band = stats.byAgeBand?.[ageBandOf(input.ageYears)] ?? stats;
        out[start + 1] = clipZ((v - band.mean) / band.sd);
      }
      return true;
    }
    const value: ClinicalValue = field === SEX ? input.sex : (input.clinical[field] ?? null);
    if (value === null) return false;
    if (block.kind === 'boolean') {
      if (typeof value !== 'boolean')
        throw new FewbeatError(`clinical field ${field}: expected a boolean, got ${JSON.stringify(value)}`);
      out[start] = value ? 1 : 0;
      return true;
    }
    const options = this.optionsOf(block);
    const chosen = Array.isArray(value) ? value : [String(value)];
    for (const c of chosen) {
      const k = options.indexOf(c);
      if (k < 0) throw new FewbeatError(`clinical field ${field}: '${c}' is not one of ${options.join(', ')}`);
      out[start + k] = 1;
    }
    return true;
  }

  private optionsOf(block: EncodedBlock): readonly string[] {
    if (block.field === SEX) return ['M', 'F'];
    const f = this.state.schema.fields.find((x) => x.name === block.field);
    if (f?.type === 'categorical') return f.categories;
    if (f?.type === 'multi-label') return f.labels;
    return [];
  }

  /** Names of the encoded slots, for inspection and the model card (`weight_kg`, `weight_kg@age`, `weight_kg?`). */
  slotNames(): string[] {
    const names: string[] = [];
    for (const b of this.blocks) {
      if (b.kind === 'numeric') names.push(b.field, ...(b.width === 2 ? [`${b.field}@age`] : []));
      else if (b.kind === 'boolean') names.push(b.field);
      else names.push(...this.optionsOf(b).map((o) => `${b.field}=${o}`));
      names.push(`${b.field}?`);
    }
    return names;
  }
}

/**
 * Metadata dropout (SCARF-style tabular corruption, Bahri et al. ICLR 2022, applied as masking):
 * each field that is present is marked missing with probability `rate` — its values zeroed and its
 * indicator set — so the model learns to cope with incomplete context. Returns a new vector.
 */
export function dropClinicalFields(
  encoded: Float32Array,
  blocks: readonly EncodedBlock[],
  rate: number,
  rng: Rng,
): Float32Array {
  const out = Float32Array.from(encoded);
  for (const b of blocks) {
    if (out[b.start + b.width] === 1 || !rng.bernoulli(rate)) continue;
    out.fill(0, b.start, b.start + b.width);
    out[b.start + b.width] = 1;
  }
  return out;
}
