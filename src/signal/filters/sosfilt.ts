import type { Sos } from './sos.js';

/**
 * Filter through a cascade of second-order sections (direct-form II transposed), as
 * `scipy.signal.sosfilt`. `zi` is the initial state, one pair [z0, z1] per section
 * (`nSections × 2` values, row-major); omit it for zero initial state. The state is not modified.
 */
export function sosfilt(sos: Sos, x: Float64Array, zi?: Float64Array): Float64Array {
  const y = Float64Array.from(x);
  for (let s = 0; s < sos.length; s++) {
    const row = sos[s]!;
    const a0 = row[3]!;
    const b0 = row[0]! / a0, b1 = row[1]! / a0, b2 = row[2]! / a0;
    const a1 = row[4]! / a0, a2 = row[5]! / a0;
    let z0 = zi ? zi[2 * s]! : 0;
    let z1 = zi ? zi[2 * s + 1]! : 0;
    for (let t = 0; t < y.length; t++) {
      const xt = y[t]!;
      const yt = b0 * xt + z0;
      z0 = b1 * xt - a1 * yt + z1;
      z1 = b2 * xt - a2 * yt;
      y[t] = yt;
    }
  }
  return y;
}
