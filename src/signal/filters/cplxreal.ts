import { type Complex, cAbs, complex } from './complex.js';

/**
 * Split roots into complex-conjugate pairs and real roots, as scipy's `_cplxreal`:
 * roots whose |imag| ≤ 100·ε·|root| count as real; each conjugate pair is returned once (positive
 * imaginary part, averaged with its partner). Complex roots come sorted by real part (then by
 * |imag| within a run of equal real parts), real roots sorted ascending.
 */
export function splitComplexReal(roots: readonly Complex[]): { complexPairs: Complex[]; reals: Complex[] } {
  const tol = 100 * Number.EPSILON;
  const sorted = [...roots].sort((a, b) => a.re - b.re || Math.abs(a.im) - Math.abs(b.im));
  const isRealRoot = (v: Complex): boolean => Math.abs(v.im) <= tol * cAbs(v);
  const reals = sorted.filter(isRealRoot).map((v) => complex(v.re));
  const rest = sorted.filter((v) => !isRealRoot(v));
  const positive = rest.filter((v) => v.im > 0);
  const negative = rest.filter((v) => v.im < 0);
  if (positive.length !== negative.length) throw new Error('splitComplexReal: roots are not in conjugate pairs');
  const byRuns = (list: Complex[]): Complex[] => {
    const out: Complex[] = [];
    let start = 0;
    for (let i = 1; i <= list.length; i++) {
      const sameRun = i < list.length && list[i]!.re - list[i - 1]!.re <= tol * cAbs(list[i - 1]!);
      if (!sameRun) {
        out.push(...list.slice(start, i).sort((a, b) => Math.abs(a.im) - Math.abs(b.im)));
        start = i;
      }
    }
    return out;
  };
  const zp = byRuns(positive);
  const zn = byRuns(negative);
  const complexPairs = zp.map((v, i) => complex((v.re + zn[i]!.re) / 2, (v.im - zn[i]!.im) / 2));
  return { complexPairs, reals };
}
