import type { Rng } from '../util/rng.js';

/** One of the nine pediatric age bands of the synthetic cohort (Rijnbeek et al. 2001, extended to 18 y). */
export interface AgeBand {
  /** Stable id, used in norm tables and the cohort card. */
  readonly id: string;
  /** Human label. */
  readonly label: string;
  /** Lower bound in years (inclusive). */
  readonly minYears: number;
  /** Upper bound in years (exclusive). */
  readonly maxYears: number;
}

const DAY = 1 / 365.25;
const MONTH = 1 / 12;

/** The bands, youngest first. The neonate band starts on day 1 of life. */
export const AGE_BANDS: readonly AgeBand[] = [
  { id: 'neonate', label: '0–1 mo', minYears: DAY, maxYears: MONTH },
  { id: '1-3mo', label: '1–3 mo', minYears: MONTH, maxYears: 3 * MONTH },
  { id: '3-6mo', label: '3–6 mo', minYears: 3 * MONTH, maxYears: 6 * MONTH },
  { id: '6-12mo', label: '6–12 mo', minYears: 6 * MONTH, maxYears: 1 },
  { id: '1-3y', label: '1–3 y', minYears: 1, maxYears: 3 },
  { id: '3-5y', label: '3–5 y', minYears: 3, maxYears: 5 },
  { id: '5-8y', label: '5–8 y', minYears: 5, maxYears: 8 },
  { id: '8-12y', label: '8–12 y', minYears: 8, maxYears: 12 },
  { id: '12-18y', label: '12–18 y', minYears: 12, maxYears: 18 },
];

/** The band containing `ageYears` (ages ≥ 18 fall in the oldest band, ages below a day in the neonate band). */
export function ageBandOf(ageYears: number): AgeBand {
  for (const band of AGE_BANDS) if (ageYears < band.maxYears) return band;
  return AGE_BANDS[AGE_BANDS.length - 1] as AgeBand;
}

/** Index of a band in {@link AGE_BANDS}. */
export function ageBandIndex(band: AgeBand): number {
  return AGE_BANDS.findIndex((b) => b.id === band.id);
}

/** An age drawn uniformly within a band, in decimal years. */
export function sampleAgeInBand(band: AgeBand, rng: Rng): number {
  return rng.uniform(band.minYears, band.maxYears);
}
