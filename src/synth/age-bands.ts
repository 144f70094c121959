import { AGE_BANDS, type AgeBand } from '../clinical/age-bands.js';
import type { Rng } from '../util/rng.js';

const DAY = 1 / 365.25;

/** The cohort's age bands: fewbeat's shared bands (src/clinical/age-bands.ts) from birth to 18 years. */
export const COHORT_AGE_BANDS: readonly AgeBand[] = AGE_BANDS.filter((b) => b.id !== 'adult');

/** An age drawn uniformly within a band, in decimal years; at least one day old. */
export function sampleAgeInBand(band: AgeBand, rng: Rng): number {
  return rng.uniform(Math.max(band.minYears, DAY), band.maxYears);
}
