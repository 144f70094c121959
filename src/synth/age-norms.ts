import { readFileSync } from 'node:fs';
import type { Rng } from '../util/rng.js';
import type { AgeBand } from './age-bands.js';

/** A published normal range: 2nd percentile, median, 98th percentile. */
export type NormRange = readonly [p2: number, median: number, p98: number];

/** Normal ECG values of one age band and sex: HR in bpm, PR/QRS/QTc (Bazett) in ms. */
export interface BandNorms {
  readonly hr: NormRange;
  readonly pr: NormRange;
  readonly qrs: NormRange;
  readonly qtc: NormRange;
}

export type Sex = 'M' | 'F';

interface NormFile {
  bands: Array<{ id: string; M: BandNorms; F: BandNorms }>;
}

/** z of the 98th percentile of a standard normal: Φ⁻¹(0.98). */
const Z98 = 2.0537;

/**
 * The generator's transcription of the norm table, `data/synth/rijnbeek2001-norms.json`.
 * Source: Rijnbeek et al., Eur Heart J 2001;22:702 (see the `_source` field of the file).
 */
function loadNorms(): Map<string, { M: BandNorms; F: BandNorms }> {
  const own = new URL('../../data/synth/rijnbeek2001-norms.json', import.meta.url);
  const file = JSON.parse(readFileSync(own, 'utf8')) as NormFile;
  return new Map(file.bands.map((b) => [b.id, { M: b.M, F: b.F }]));
}

let cached: Map<string, { M: BandNorms; F: BandNorms }> | null = null;

/** Rijnbeek 2001 norms of `band` for `sex`. */
export function normsFor(band: AgeBand, sex: Sex): BandNorms {
  cached ??= loadNorms();
  const entry = cached.get(band.id);
  if (!entry) throw new Error(`no norms for age band ${band.id}`);
  return entry[sex];
}

/**
 * A draw from a split normal fitted to a published range: median m, with
 * σ₋ = (m − p2)/z₉₈ below and σ₊ = (p98 − m)/z₉₈ above, so that P(x < p2) = P(x > p98) = 2 %.
 * `z` is the standard-normal deviate to use (drawn here when omitted), so callers can correlate draws.
 */
export function drawFromNorm(range: NormRange, rng: Rng, z: number = rng.normal()): number {
  const [p2, median, p98] = range;
  return z < 0 ? median + (z * (median - p2)) / Z98 : median + (z * (p98 - median)) / Z98;
}
