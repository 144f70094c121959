import { FewbeatError } from '../../errors.js';
import { resamplePoly } from './resample-poly.js';

/**
 * Best rational approximation p/q of `ratio` with q ≤ maxDenominator (continued fractions):
 * exact for ratios of integer rates (360→250 gives 25/36, 500→250 gives 1/2).
 */
export function rationalApproximation(ratio: number, maxDenominator = 1000): [number, number] {
  let [h0, h1, k0, k1] = [0, 1, 1, 0];
  let value = ratio;
  for (let iter = 0; iter < 64; iter++) {
    const a = Math.floor(value);
    const k2 = k0 + a * k1;
    if (k2 > maxDenominator) break;
    [h0, h1] = [h1, h0 + a * h1];
    [k0, k1] = [k1, k2];
    const frac = value - a;
    if (Math.abs(h1 / k1 - ratio) <= 1e-12 * ratio || frac < 1e-12) break;
    value = 1 / frac;
  }
  return [h1, k1];
}

/**
 * Resample from `fsIn` to `fsOut` Hz with `resamplePoly`, using the rational approximation of
 * fsOut/fsIn (denominator ≤ 1000). Returns a copy when the rates are equal.
 */
export function resampleTo(x: Float64Array, fsIn: number, fsOut: number): Float64Array {
  if (!(fsIn > 0) || !(fsOut > 0) || !Number.isFinite(fsIn) || !Number.isFinite(fsOut)) {
    throw new FewbeatError(`resampleTo: sampling rates must be positive, got ${fsIn} Hz → ${fsOut} Hz`);
  }
  if (fsIn === fsOut) return Float64Array.from(x);
  const [up, down] = rationalApproximation(fsOut / fsIn);
  return resamplePoly(x, up, down);
}
