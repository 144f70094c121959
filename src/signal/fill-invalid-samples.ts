import { FewbeatError } from '../errors.js';

/**
 * Replace NaN/±Infinity samples (invalid or missing in the recording) by linear interpolation
 * between the nearest valid samples, holding the edge values at the ends. Returns the input itself
 * when every sample is valid. Throws a `FewbeatError` when no sample is valid.
 */
export function fillInvalidSamples(x: Float64Array, what = 'signal'): Float64Array {
  let firstBad = -1;
  for (let i = 0; i < x.length; i++)
    if (!Number.isFinite(x[i]!)) {
      firstBad = i;
      break;
    }
  if (firstBad < 0) return x;
  const y = Float64Array.from(x);
  let prev = -1;
  for (let i = 0; i <= y.length; i++) {
    if (i < y.length && !Number.isFinite(y[i]!)) continue;
    const gapStart = prev + 1;
    if (i > gapStart) {
      if (prev < 0 && i === y.length) throw new FewbeatError(`${what}: no valid sample in ${y.length}`);
      for (let k = gapStart; k < i; k++) {
        if (prev < 0) y[k] = y[i]!;
        else if (i === y.length) y[k] = y[prev]!;
        else y[k] = y[prev]! + ((y[i]! - y[prev]!) * (k - prev)) / (i - prev);
      }
    }
    prev = i;
  }
  return y;
}
