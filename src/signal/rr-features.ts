import { median } from '../util/median.js';

/** RR-interval statistics and irregularity features (all times in ms). */
export interface RrFeatures {
  /** Number of RR intervals used. */
  n: number;
  mean_ms: number;
  median_ms: number;
  /** Standard deviation of RR (SDNN). */
  sdnn_ms: number;
  /** Root mean square of successive differences: √(mean((RR[i+1] − RR[i])²)). */
  rmssd_ms: number;
  /** Coefficient of variation SDNN / mean. */
  cv: number;
  /** Turning-point ratio: local extrema of the RR series / expected (2/3)(n − 2) for a random series. */
  tpr: number;
  /** Sample entropy SampEn(m = 2, r = 0.2·SDNN) (Richman & Moorman 2000); null when undefined. */
  sample_entropy: number | null;
  /** Share of successive RR differences above 50 ms ({@link pnn50}). */
  pnn50: number;
}

/**
 * RR features as used in AF detection (e.g. Dash et al., Ann Biomed Eng 37:1701, 2009: RMSSD/mean,
 * turning-point ratio, Shannon entropy; Lake & Moorman 2011: sample entropy). Needs ≥ 2 RR intervals
 * for spread measures; NaN otherwise.
 */
export function rrFeatures(beats: ArrayLike<number>, fs: number): RrFeatures {
  const rr: number[] = [];
  for (let i = 1; i < beats.length; i++) rr.push(((beats[i]! - beats[i - 1]!) * 1000) / fs);
  const n = rr.length;
  const mean = n ? rr.reduce((a, b) => a + b, 0) / n : Number.NaN;
  const sdnn = n >= 2 ? Math.sqrt(rr.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1)) : Number.NaN;
  let sq = 0;
  for (let i = 1; i < n; i++) sq += (rr[i]! - rr[i - 1]!) ** 2;
  const rmssd = n >= 2 ? Math.sqrt(sq / (n - 1)) : Number.NaN;
  let turning = 0;
  for (let i = 1; i < n - 1; i++) {
    if ((rr[i]! > rr[i - 1]! && rr[i]! > rr[i + 1]!) || (rr[i]! < rr[i - 1]! && rr[i]! < rr[i + 1]!)) turning++;
  }
  return {
    n,
    mean_ms: mean,
    median_ms: median(rr),
    sdnn_ms: sdnn,
    rmssd_ms: rmssd,
    cv: sdnn / mean,
    tpr: n >= 3 ? turning / ((2 / 3) * (n - 2)) : Number.NaN,
    sample_entropy: sampleEntropy(rr, 2, 0.2 * sdnn),
    pnn50: pnn50(beats, fs),
  };
}

/**
 * Sample entropy (Richman & Moorman, Am J Physiol 278:H2039, 2000): −ln(A/B), with B the number of
 * template pairs of length m within tolerance r (Chebyshev distance, self-matches excluded) and A
 * the same for length m + 1, over the first N − m templates. Null when A or B is zero.
 */
export function sampleEntropy(x: readonly number[], m: number, r: number): number | null {
  const n = x.length;
  if (n <= m + 1 || !(r > 0)) return null;
  let a = 0;
  let b = 0;
  for (let i = 0; i < n - m; i++) {
    for (let j = i + 1; j < n - m; j++) {
      let k = 0;
      while (k < m && Math.abs(x[i + k]! - x[j + k]!) <= r) k++;
      if (k < m) continue;
      b++;
      if (Math.abs(x[i + m]! - x[j + m]!) <= r) a++;
    }
  }
  return a > 0 && b > 0 ? -Math.log(a / b) : null;
}

/**
 * pNN50: the share of successive RR differences larger than 50 ms, |RR[i+1] − RR[i]| > 50 ms, over
 * the n − 1 differences of n RR intervals (Ewing et al., Br Heart J 52:396, 1984; Mietus et al.,
 * Heart 88:378, 2002). `beats` are sample indices at `fs`; NaN with fewer than 2 RR intervals.
 */
export function pnn50(beats: ArrayLike<number>, fs: number): number {
  let over = 0;
  let diffs = 0;
  for (let i = 2; i < beats.length; i++) {
    const d = ((beats[i]! - 2 * beats[i - 1]! + beats[i - 2]!) * 1000) / fs;
    diffs++;
    if (Math.abs(d) > 50) over++;
  }
  return diffs > 0 ? over / diffs : Number.NaN;
}
