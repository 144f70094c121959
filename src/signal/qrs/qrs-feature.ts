import { butter } from '../filters/butter.js';
import { sosfiltfilt } from '../filters/sosfiltfilt.js';

export interface QrsFeatureOptions {
  /** Pass band of the QRS-enhancing filter in Hz (upper edge capped below Nyquist). @default [5, 20] */
  bandHz?: readonly [number, number];
  /** Width of the moving-window integrator in seconds. @default 0.1 */
  integrationSeconds?: number;
}

/** The QRS-enhanced signals: band-passed signal, |slope| and its moving-window integral, all at the input rate. */
export interface QrsFeature {
  /** The band-passed signal (zero-phase, so QRS timing is unchanged). */
  filtered: Float64Array;
  /** |d/dt| of the band-passed signal (units per second), five-point derivative. */
  slope: Float64Array;
  /** Centred moving average of `slope` over `integrationSeconds`: one hump per QRS complex. */
  integrated: Float64Array;
}

/**
 * QRS enhancement after Pan & Tompkins (IEEE TBME 32:230, 1985) and Hamilton & Tompkins
 * (IEEE TBME 33:1157, 1986): zero-phase Butterworth band-pass (order 2), five-point derivative
 * d[n] = fs·(2x[n+2] + x[n+1] − x[n−1] − 2x[n−2]) / 8, absolute value (Hamilton's choice; squaring
 * would let one large PVC dwarf the normal beats), centred moving-window integration. All
 * durations are in seconds, so the feature means the same at 125 Hz and at 1000 Hz.
 */
export function qrsFeature(x: Float64Array, fs: number, opts: QrsFeatureOptions = {}): QrsFeature {
  const [low, high] = opts.bandHz ?? [5, 20];
  const band = butter({ order: 2, cutoffHz: [low, Math.min(high, 0.45 * fs)], band: 'bandpass', fs });
  const n = x.length;
  const filtered = n > 30 ? sosfiltfilt(band, x) : new Float64Array(n);
  const slope = new Float64Array(n);
  const k = fs / 8;
  for (let i = 2; i < n - 2; i++) {
    slope[i] = Math.abs(k * (2 * filtered[i + 2]! + filtered[i + 1]! - filtered[i - 1]! - 2 * filtered[i - 2]!));
  }
  const width = Math.max(1, Math.round((opts.integrationSeconds ?? 0.1) * fs));
  const integrated = new Float64Array(n);
  const half = Math.floor(width / 2);
  let acc = 0;
  for (let i = 0; i < Math.min(n, width - half); i++) acc += slope[i]!;
  for (let i = 0; i < n; i++) {
    integrated[i] = acc / width;
    const enter = i + width - half;
    const leave = i - half;
    if (enter < n) acc += slope[enter]!;
    if (leave >= 0) acc -= slope[leave]!;
  }
  return { filtered, slope, integrated };
}
