import { butter } from './filters/butter.js';
import { medianFilter } from './filters/median-filter.js';
import { sosfiltfilt } from './filters/sosfiltfilt.js';
import { validateSignal } from './validate-signal.js';

export interface BaselineOptions {
  /**
   * `median`: subtract a two-stage median baseline (200 ms then 600 ms windows, de Chazal et al.,
   * IEEE TBME 51:1196, 2004), which keeps the ST segment and T wave; `highpass`: zero-phase
   * Butterworth high-pass (order 2) at `cutoffHz`. @default 'median'
   */
  method?: 'median' | 'highpass';
  /** High-pass cutoff in Hz (method `highpass`). @default 0.5 */
  cutoffHz?: number;
}

/** Largest odd number ≤ v (at least 1). */
const odd = (v: number): number => Math.max(1, Math.floor(v) % 2 === 0 ? Math.floor(v) - 1 : Math.floor(v));

/** Remove baseline wander from one lead sampled at fs Hz; returns a new array. */
export function removeBaseline(x: Float64Array, fs: number, opts: BaselineOptions = {}): Float64Array {
  validateSignal(x, fs, {}, 'baseline removal');
  if ((opts.method ?? 'median') === 'highpass') {
    const sos = butter({ order: 2, cutoffHz: opts.cutoffHz ?? 0.5, band: 'highpass', fs });
    if (x.length > 15) return sosfiltfilt(sos, x);
  }
  const stage1 = medianFilter(x, { kernelSize: odd(0.2 * fs), edge: 'nearest' });
  const baseline = medianFilter(stage1, { kernelSize: odd(0.6 * fs), edge: 'nearest' });
  return x.map((v, i) => v - baseline[i]!);
}
