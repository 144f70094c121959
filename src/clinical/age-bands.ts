/**
 * The age bands every breakdown in fewbeat uses (cohort summary, synthetic cohort, evaluation,
 * report). Pediatric ECG norms change fastest in the first year, so infancy is split finely.
 *
 * Each band is the half-open interval [minYears, maxYears). The neonatal period is the first
 * 28 days of life (WHO definition); a month is 1/12 year; a day is 1/365.25 year.
 */
export interface AgeBand {
  /** Stable id used in JSON output and as a key. */
  id: AgeBandId;
  /** Human label, e.g. `1–3 mo`. */
  label: string;
  /** Inclusive lower bound in years. */
  minYears: number;
  /** Exclusive upper bound in years (`Infinity` for adults). */
  maxYears: number;
}

export type AgeBandId =
  | 'neonate'
  | '1-3mo'
  | '3-6mo'
  | '6-12mo'
  | '1-3y'
  | '3-5y'
  | '5-8y'
  | '8-12y'
  | '12-16y'
  | '16-18y'
  | 'adult'
  | 'unknown';

/** Length of the neonatal period (28 days) in years. */
export const NEONATE_MAX_YEARS = 28 / 365.25;

/** The known-age bands in increasing order; ages that are null or not finite fall in `unknown`. */
export const AGE_BANDS: readonly AgeBand[] = [
  { id: 'neonate', label: 'neonate (< 28 d)', minYears: 0, maxYears: NEONATE_MAX_YEARS },
  { id: '1-3mo', label: '1–3 mo', minYears: NEONATE_MAX_YEARS, maxYears: 3 / 12 },
  { id: '3-6mo', label: '3–6 mo', minYears: 3 / 12, maxYears: 6 / 12 },
  { id: '6-12mo', label: '6–12 mo', minYears: 6 / 12, maxYears: 1 },
  { id: '1-3y', label: '1–3 y', minYears: 1, maxYears: 3 },
  { id: '3-5y', label: '3–5 y', minYears: 3, maxYears: 5 },
  { id: '5-8y', label: '5–8 y', minYears: 5, maxYears: 8 },
  { id: '8-12y', label: '8–12 y', minYears: 8, maxYears: 12 },
  { id: '12-16y', label: '12–16 y', minYears: 12, maxYears: 16 },
  { id: '16-18y', label: '16–18 y', minYears: 16, maxYears: 18 },
  { id: 'adult', label: 'adult (≥ 18 y)', minYears: 18, maxYears: Infinity },
];

/** Every band id including `unknown`, in display order. */
export const AGE_BAND_IDS: readonly AgeBandId[] = [...AGE_BANDS.map((b) => b.id), 'unknown'];

/** The band of an age in years; `unknown` for null, negative or non-finite ages. */
export function ageBandOf(years: number | null): AgeBandId {
  if (years === null || !Number.isFinite(years) || years < 0) return 'unknown';
  for (const band of AGE_BANDS) if (years < band.maxYears) return band.id;
  return 'adult';
}
