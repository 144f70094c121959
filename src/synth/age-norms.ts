import type { Rng } from '../util/rng.js';
import { defaultNormTable } from '../signal/norms/default-norms.js';
import { Z98, type NormMeasure, type NormPercentiles, type NormTable } from '../signal/norms/norm-table.js';

export type Sex = 'M' | 'F';

/** Normal ECG values of one age band and sex: HR in bpm, PR/QRS/QTc (Bazett) in ms. */
export type BandNorms = Readonly<Record<NormMeasure, NormPercentiles>>;

let cached: NormTable | null = null;

/**
 * Rijnbeek 2001 norms (the signal layer's `data/norms/rijnbeek2001.json`: Rijnbeek et al., Eur Heart J
 * 2001;22:702) for a child of `ageYears` and `sex`. The study has no children under 11 days or over
 * 16 years: younger neonates use its first band (0–1 month; Davignon et al. 1979 give similar values
 * for the first week), adolescents of 16–18 its last (12–16 y).
 */
export function normsFor(ageYears: number, sex: Sex): BandNorms {
  cached ??= defaultNormTable();
  const bands = cached.bands;
  const band = bands.find((b) => ageYears < b.max_age_years) ?? bands[bands.length - 1];
  const cells = band?.[sex];
  if (!cells?.hr || !cells.pr || !cells.qrs || !cells.qtc)
    throw new Error(`the norm table lacks HR, PR, QRS or QTc for ${sex} at ${ageYears} y`);
  return { hr: cells.hr, pr: cells.pr, qrs: cells.qrs, qtc: cells.qtc };
}

/**
 * A draw from the split normal fitted to a published range, the inverse of the signal layer's
 * `normZScore`: median m, σ₋ = (m − p2)/z₉₈ below and σ₊ = (p98 − m)/z₉₈ above, so that
 * P(x < p2) = P(x > p98) = 2 %. `z` is the standard-normal deviate (drawn when omitted, truncated
 * at ±2.5 so that no healthy child falls far outside the published range).
 */
export function drawFromNorm(
  cell: NormPercentiles,
  rng: Rng,
  z: number = Math.max(-2.5, Math.min(2.5, rng.normal())),
): number {
  return z < 0 ? cell.median + (z * (cell.median - cell.p2)) / Z98 : cell.median + (z * (cell.p98 - cell.median)) / Z98;
}
