import { type Complex, cMul, cSub, complex } from './complex.js';

/**
 * Polynomial coefficients (highest power first) with the given roots, as numpy's `poly`:
 * Π(x − r_i), expanded one root at a time. The result is real when the roots come in conjugate
 * pairs (the imaginary parts cancel to rounding and are dropped).
 */
export function polyFromRoots(roots: readonly Complex[]): Float64Array {
  let c: Complex[] = [complex(1)];
  for (const r of roots) {
    const next: Complex[] = [...c, complex(0)];
    for (let i = 1; i < next.length; i++) next[i] = cSub(next[i]!, cMul(c[i - 1]!, r));
    c = next;
  }
  return Float64Array.from(c, (v) => v.re);
}
