import { FewbeatError } from '../../errors.js';

export interface MedianFilterOptions {
  /** Window length in samples, odd. */
  kernelSize: number;
  /**
   * Value assumed outside the signal. `0` reproduces `scipy.signal.medfilt`; `'nearest'` repeats
   * the edge samples, which suits baseline estimation. @default 0
   */
  edge?: 0 | 'nearest';
}

/**
 * Running median over a centred window of `kernelSize` samples (as `scipy.signal.medfilt`).
 * Keeps the window sorted and moves one sample in and one out per step (binary search + shift):
 * O(n·k) worst case but memmove-fast for ECG window lengths.
 */
export function medianFilter(x: Float64Array, opts: MedianFilterOptions): Float64Array {
  const k = opts.kernelSize;
  if (!Number.isInteger(k) || k < 1 || k % 2 === 0)
    throw new FewbeatError(`medianFilter: kernel size must be a positive odd integer, got ${k}`);
  const n = x.length;
  const out = new Float64Array(n);
  if (n === 0) return out;
  const half = (k - 1) / 2;
  const at = (i: number): number => (i >= 0 && i < n ? x[i]! : opts.edge === 'nearest' ? x[i < 0 ? 0 : n - 1]! : 0);
  const window = new Float64Array(k);
  for (let j = 0; j < k; j++) window[j] = at(j - half);
  window.sort();
  for (let i = 0; i < n; i++) {
    out[i] = window[half]!;
    if (i === n - 1) break;
    const leaving = at(i - half);
    const entering = at(i + half + 1);
    if (leaving === entering) continue;
    let pos = lowerBound(window, leaving);
    if (entering > leaving) {
      while (pos + 1 < k && window[pos + 1]! < entering) {
        window[pos] = window[pos + 1]!;
        pos++;
      }
    } else {
      while (pos > 0 && window[pos - 1]! > entering) {
        window[pos] = window[pos - 1]!;
        pos--;
      }
    }
    window[pos] = entering;
  }
  return out;
}

function lowerBound(sorted: Float64Array, value: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
