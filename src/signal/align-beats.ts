import { median } from '../util/median.js';

export interface AlignBeatsOptions {
  /** Half-width of the QRS window that is matched, in seconds. @default 0.06 */
  halfWindowSeconds?: number;
  /** Largest shift of a beat, in seconds. @default 0.02 */
  maxShiftSeconds?: number;
  /** Template-and-align passes. @default 3 */
  iterations?: number;
}

/**
 * Align beats on their whole QRS complex, all leads together, by Woody's adaptive template method
 * (Woody, "Characterization of an adaptive filter for the analysis of variable latency neuroelectric
 * signals", Med Biol Eng 5:539, 1967): the template is the sample-wise median of the windows
 * [R − w, R + w] of the beats `use`; each beat is then shifted by the lag τ ∈ [−maxShift, maxShift]
 * that maximises Σ_l Σ_t (x_l(R + τ + t) − x̄_l)·(T_l(t) − T̄_l), the cross-covariance summed over
 * leads; repeat. A detector's fiducial point jumps between R and S (or between leads) when they have
 * similar amplitudes; a median beat built on such points smears the QRS edges.
 *
 * Returns the shifted fiducials (same length as `rPeaks`); beats whose window leaves the signal, and
 * beats not in `use`, keep their fiducial.
 */
export function alignBeats(
  signals: readonly Float64Array[],
  rPeaks: ArrayLike<number>,
  fs: number,
  use: readonly number[],
  opts: AlignBeatsOptions = {},
): Int32Array {
  const out = Int32Array.from(rPeaks as ArrayLike<number>);
  const half = Math.max(1, Math.round((opts.halfWindowSeconds ?? 0.06) * fs));
  const maxShift = Math.max(0, Math.round((opts.maxShiftSeconds ?? 0.02) * fs));
  const n = signals[0]?.length ?? 0;
  const fits = (r: number): boolean => r - half - maxShift >= 0 && r + half + maxShift < n;
  const width = 2 * half + 1;
  const column = new Float64Array(use.length);
  for (let pass = 0; pass < (opts.iterations ?? 3); pass++) {
    const members = use.filter((i) => fits(out[i]!));
    if (members.length < 2) return out;
    const templates = signals.map((x) => {
      const tpl = new Float64Array(width);
      for (let k = 0; k < width; k++) {
        members.forEach((i, b) => {
          column[b] = x[out[i]! - half + k]!;
        });
        const c = column.subarray(0, members.length).sort();
        const m = c.length >> 1;
        tpl[k] = c.length % 2 ? c[m]! : (c[m - 1]! + c[m]!) / 2;
      }
      const mean = tpl.reduce((s, v) => s + v, 0) / width;
      return tpl.map((v) => v - mean);
    });
    const lags = new Int32Array(members.length);
    members.forEach((i, b) => {
      let best = 0;
      let bestScore = -Infinity;
      for (let lag = -maxShift; lag <= maxShift; lag++) {
        const start = out[i]! - half + lag;
        let score = 0;
        signals.forEach((x, l) => {
          const tpl = templates[l]!;
          for (let k = 0; k < width; k++) score += x[start + k]! * tpl[k]!;
        });
        // the template has zero mean, so Σ x·(T − T̄) is the cross-covariance
        if (score > bestScore) {
          bestScore = score;
          best = lag;
        }
      }
      lags[b] = best;
    });
    // keep the fiducials centred where the detector put them: remove the common drift of the lags
    const drift = Math.round(median(lags));
    let moved = false;
    members.forEach((i, b) => {
      const shift = lags[b]! - drift;
      if (shift !== 0) moved = true;
      out[i] = out[i]! + shift;
    });
    if (!moved) break;
  }
  return out;
}
