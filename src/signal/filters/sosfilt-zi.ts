import { lfilterZi } from './lfilter.js';
import type { Sos } from './sos.js';

/**
 * Steady-state initial state of `sosfilt` for a unit step, as `scipy.signal.sosfilt_zi`: each
 * section's `lfilterZi` scaled by the DC gain of the sections before it, Π_{j<s} Σb_j / Σa_j.
 * Returns `nSections × 2` values, row-major.
 */
export function sosfiltZi(sos: Sos): Float64Array {
  const zi = new Float64Array(2 * sos.length);
  let scale = 1;
  sos.forEach((row, s) => {
    const b = row.subarray(0, 3);
    const a = row.subarray(3, 6);
    const sectionZi = lfilterZi({ b, a });
    zi[2 * s] = scale * sectionZi[0]!;
    zi[2 * s + 1] = scale * sectionZi[1]!;
    scale *= (b[0]! + b[1]! + b[2]!) / (a[0]! + a[1]! + a[2]!);
  });
  return zi;
}
