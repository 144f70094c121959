import { z } from 'zod';
import { FewbeatError } from '../../errors.js';

const percentiles = z
  .object({ median: z.number(), p2: z.number(), p98: z.number() })
  .refine((c) => c.p2 < c.median && c.median < c.p98, { message: 'needs p2 < median < p98' });
const bySex = z.object({ hr: percentiles, pr: percentiles, qrs: percentiles, qtc: percentiles }).partial();

/**
 * Schema of a norm table file (`data/norms/*.json`): where it comes from, and per age band and sex
 * the median with the 2nd and 98th percentiles of HR (bpm), PR, QRS and QTc (ms). A band covers
 * ages [min_age_years, max_age_years). Any measurement may be missing from a table.
 */
export const normTableSchema = z.object({
  name: z.string().min(1),
  source: z.string().min(1),
  notes: z.string().optional(),
  qtc_correction: z.enum(['bazett', 'fridericia']).default('bazett'),
  bands: z
    .array(
      z.object({
        label: z.string(),
        min_age_years: z.number().min(0),
        max_age_years: z.number().positive(),
        M: bySex,
        F: bySex,
      }),
    )
    .min(1),
});

export type NormTable = z.infer<typeof normTableSchema>;
export type NormBand = NormTable['bands'][number];
export type NormPercentiles = z.infer<typeof percentiles>;
export type NormMeasure = 'hr' | 'pr' | 'qrs' | 'qtc';

/** Validate parsed JSON as a norm table; `file` names it in the error. */
export function parseNormTable(json: unknown, file: string): NormTable {
  const parsed = normTableSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new FewbeatError(`not a norm table: ${issue.path.join('.') || '(top level)'}: ${issue.message}`, { file });
  }
  return parsed.data;
}

/** The band covering `ageYears`, or null when the table does not cover that age. */
export function normBandFor(table: NormTable, ageYears: number): NormBand | null {
  return table.bands.find((b) => ageYears >= b.min_age_years && ageYears < b.max_age_years) ?? null;
}

/** z-value of the 98th (and, negated, the 2nd) percentile of a normal distribution: Φ⁻¹(0.98). */
export const Z98 = 2.0537489106318225;

/**
 * z-score of a value against a band's median and 2nd–98th percentiles, assuming a split normal
 * distribution (different spread on each side of the median, since pediatric norms are skewed):
 *
 *     z = (x − median) / σ₊ with σ₊ = (p98 − median) / Φ⁻¹(0.98)   for x ≥ median
 *     z = (x − median) / σ₋ with σ₋ = (median − p2) / Φ⁻¹(0.98)    for x < median
 *
 * so x = p98 gives z = +2.054 and x = p2 gives z = −2.054.
 */
export function normZScore(value: number, cell: NormPercentiles): number {
  const spread = value >= cell.median ? (cell.p98 - cell.median) / Z98 : (cell.median - cell.p2) / Z98;
  return (value - cell.median) / spread;
}
