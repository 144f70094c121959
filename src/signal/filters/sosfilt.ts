import type { Sos } from './sos.js';

/**
 * Filter through a cascade of second-order sections (direct-form II transposed), as
 * `scipy.signal.sosfilt`. `zi` is the initial state, one pair [z0, z1] per section
 * (`nSections × 2` values, row-major); omit it for zero initial state. The state is not modified.
 * With `backward`, the signal is filtered from its last sample to its first (the output keeps the
 * input's order), which is the second pass of a zero-phase filter without reversing arrays.
 */
export function sosfilt(sos: Sos, x: Float64Array, zi?: Float64Array, backward = false): Float64Array {
  return sosfiltInPlace(sos, Float64Array.from(x), zi, backward);
}

/** `sosfilt` overwriting its input (for zero-phase filtering without extra copies); returns `y`. */
export function sosfiltInPlace(sos: Sos, y: Float64Array, zi?: Float64Array, backward = false): Float64Array {
  const n = y.length;
  const start = backward ? n - 1 : 0;
  const step = backward ? -1 : 1;
  // Two sections at a time in one sweep over the samples (half the memory traffic of one sweep
  // per section); an odd last section gets its own sweep.
  for (let s = 0; s < sos.length; s += 2) {
    const r1 = sos[s]!;
    const b10 = r1[0]! / r1[3]!,
      b11 = r1[1]! / r1[3]!,
      b12 = r1[2]! / r1[3]!,
      a11 = r1[4]! / r1[3]!,
      a12 = r1[5]! / r1[3]!;
    let z10 = zi ? zi[2 * s]! : 0;
    let z11 = zi ? zi[2 * s + 1]! : 0;
    if (s + 1 === sos.length) {
      for (let k = 0, t = start; k < n; k++, t += step) {
        const xt = y[t]!;
        const yt = b10 * xt + z10;
        z10 = b11 * xt - a11 * yt + z11;
        z11 = b12 * xt - a12 * yt;
        y[t] = yt;
      }
      break;
    }
    const r2 = sos[s + 1]!;
    const b20 = r2[0]! / r2[3]!,
      b21 = r2[1]! / r2[3]!,
      b22 = r2[2]! / r2[3]!,
      a21 = r2[4]! / r2[3]!,
      a22 = r2[5]! / r2[3]!;
    let z20 = zi ? zi[2 * s + 2]! : 0;
    let z21 = zi ? zi[2 * s + 3]! : 0;
    for (let k = 0, t = start; k < n; k++, t += step) {
      const xt = y[t]!;
      const ut = b10 * xt + z10;
      z10 = b11 * xt - a11 * ut + z11;
      z11 = b12 * xt - a12 * ut;
      const yt = b20 * ut + z20;
      z20 = b21 * ut - a21 * yt + z21;
      z21 = b22 * ut - a22 * yt;
      y[t] = yt;
    }
  }
  return y;
}
