import { kaiserWindow } from './kaiser-window.js';

/**
 * Windowed-sinc low-pass FIR, as `scipy.signal.firwin(numTaps, cutoff, window=('kaiser', beta))`:
 * h[n] = c·sinc(c·(n − (N−1)/2)) · w[n], with c the cutoff as a fraction of Nyquist, then scaled
 * to unit gain at DC (Σh = 1).
 */
export function firwinLowpass(numTaps: number, cutoff: number, beta: number): Float64Array {
  const alpha = (numTaps - 1) / 2;
  const w = kaiserWindow(numTaps, beta);
  const h = new Float64Array(numTaps);
  let sum = 0;
  for (let n = 0; n < numTaps; n++) {
    const m = n - alpha;
    const arg = Math.PI * cutoff * m;
    h[n] = cutoff * (arg === 0 ? 1 : Math.sin(arg) / arg) * w[n]!;
    sum += h[n]!;
  }
  for (let n = 0; n < numTaps; n++) h[n]! /= sum;
  return h;
}
