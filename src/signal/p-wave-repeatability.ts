import { median } from '../util/median.js';

/**
 * Where the atrial wave is looked for, relative to each R peak: from `min(MAX_LEAD_SECONDS, HALF_RR ·
 * median RR)` before it to `END_SECONDS` before it. A P wave begins 80-250 ms before the QRS in children
 * and adults (PR interval) and ends at the QRS onset, some 20-60 ms before the R peak; the half-RR cap keeps
 * the previous beat's T wave out at fast rates.
 */
const MAX_LEAD_SECONDS = 0.3;
const END_SECONDS = 0.08;
const HALF_RR = 0.5;
/** Fewest beats with a full window for a value. */
const MIN_SEGMENTS = 3;

/**
 * P-wave repeatability: the share of the power of the atrial window before each QRS that repeats from
 * beat to beat. With s_{ℓ,i} the window of beat i on lead ℓ (linearly detrended: the level and slope of
 * the baseline are not atrial activity), N beats,
 *
 *   ρ = Σ_ℓ (‖Σ_i s_{ℓ,i}‖² − Σ_i ‖s_{ℓ,i}‖²) / ((N − 1) · Σ_ℓ Σ_i ‖s_{ℓ,i}‖²)
 *     = mean over pairs i ≠ j of ⟨s_i, s_j⟩ / mean over i of ‖s_i‖²,
 *
 * an unbiased estimate of the repeating share whatever N: near 1 when every beat has the same P wave
 * (sinus, ectopic atrial or junctional rhythms with a fixed P, flutter at a fixed conduction ratio), near
 * 0 when what precedes the QRS is not locked to it (fibrillatory waves, P waves of AV dissociation, a
 * flutter wave at a varying ratio, noise); it cannot fall below −1/(N − 1). Unchanged by polarity and
 * gain, so it holds on an inverted or unlabelled wearable lead. The absence of a P wave that recurs
 * before each QRS is, with an irregular RR, the textbook criterion of atrial fibrillation; as a
 * detector feature see e.g. Ladavich and Ghoraani, Biomed Signal Process Control 18:274, 2015.
 *
 * @param signals baseline-corrected leads, one sampling rate `fs`
 * @param beats R-peak sample indices (any lead set's common fiducials)
 * @returns ρ (≤ 1), or null when fewer than 3 beats have a full window or the windows are flat once detrended
 */
export function pWaveRepeatability(
  signals: readonly Float64Array[],
  beats: ArrayLike<number>,
  fs: number,
): number | null {
  if (beats.length < 2 || signals.length === 0) return null;
  const rr: number[] = [];
  for (let i = 1; i < beats.length; i++) rr.push(beats[i]! - beats[i - 1]!);
  const medianRr = median(rr) / fs;
  const start = Math.round(Math.min(MAX_LEAD_SECONDS, HALF_RR * medianRr) * fs);
  const end = Math.round(END_SECONDS * fs);
  const L = start - end;
  if (L < 4) return null;
  const length = Math.min(...signals.map((x) => x.length));
  const firsts: number[] = [];
  for (let i = 0; i < beats.length; i++) {
    const first = beats[i]! - start;
    if (first >= 0 && first + L <= length) firsts.push(first);
  }
  const N = firsts.length;
  if (N < MIN_SEGMENTS) return null;

  const centre = (L - 1) / 2;
  let tt = 0;
  for (let n = 0; n < L; n++) tt += (n - centre) ** 2;
  const sum = new Float64Array(L);
  let repeating = 0;
  let energy = 0;
  let raw = 0;
  for (const x of signals) {
    sum.fill(0);
    for (const first of firsts) {
      let mean = 0;
      let slope = 0;
      for (let n = 0; n < L; n++) {
        const v = x[first + n]!;
        raw += v * v;
        mean += v;
        slope += (n - centre) * v;
      }
      mean /= L;
      slope /= tt;
      for (let n = 0; n < L; n++) {
        const v = x[first + n]! - mean - slope * (n - centre);
        sum[n]! += v;
        energy += v * v;
      }
    }
    for (let n = 0; n < L; n++) repeating += sum[n]! * sum[n]!;
  }
  // flat after detrending (rounding leaves ~1e-30 of a pure ramp): nothing to compare
  if (!(energy > 1e-12 * raw) || !Number.isFinite(energy)) return null;
  return (repeating - energy) / ((N - 1) * energy);
}
