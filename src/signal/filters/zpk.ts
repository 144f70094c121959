import { type Complex, cAdd, cDiv, cMul, cProd, cScale, cSqrt, cSub, complex } from './complex.js';

/**
 * A filter as zeros, poles and gain: H(s) = k · Π(s − z_i) / Π(s − p_j) (analog) or the same in z
 * (digital). The transforms below follow scipy.signal (`buttap`, `lp2lp_zpk`, `lp2hp_zpk`,
 * `lp2bp_zpk`, `lp2bs_zpk`, `bilinear_zpk`) so that designs match scipy to rounding error.
 */
export interface Zpk {
  z: Complex[];
  p: Complex[];
  k: number;
}

/**
 * Analog Butterworth low-pass prototype of order N with cutoff 1 rad/s (Butterworth 1930):
 * no zeros, poles p_m = −exp(iπm / 2N) for m = −N+1, −N+3, …, N−1, gain 1.
 */
export function butterworthPrototype(order: number): Zpk {
  const p: Complex[] = [];
  for (let m = -order + 1; m < order; m += 2) {
    const angle = (Math.PI * m) / (2 * order);
    p.push(complex(-Math.cos(angle), -Math.sin(angle)));
  }
  return { z: [], p, k: 1 };
}

const relativeDegree = (f: Zpk): number => f.p.length - f.z.length;

/** Low-pass to low-pass with cutoff ω0: s → s/ω0. */
export function lowpassToLowpass(f: Zpk, wo: number): Zpk {
  return { z: f.z.map((v) => cScale(v, wo)), p: f.p.map((v) => cScale(v, wo)), k: f.k * wo ** relativeDegree(f) };
}

/** Low-pass to high-pass with cutoff ω0: s → ω0/s; zeros at the origin fill the degree gap. */
export function lowpassToHighpass(f: Zpk, wo: number): Zpk {
  const degree = relativeDegree(f);
  const w = complex(wo);
  const z = [...f.z.map((v) => cDiv(w, v)), ...Array.from({ length: degree }, () => complex(0))];
  const p = f.p.map((v) => cDiv(w, v));
  return { z, p, k: f.k * cDiv(cProd(f.z.map((v) => cScale(v, -1))), cProd(f.p.map((v) => cScale(v, -1)))).re };
}

/** s → (s² + ω0²)/(s·bw), as `lp2bp_zpk`: each root r becomes r·bw/2 ± √((r·bw/2)² − ω0²). */
export function lowpassToBandpass(f: Zpk, wo: number, bw: number): Zpk {
  const degree = relativeDegree(f);
  const split = (roots: Complex[]): Complex[] => {
    const scaled = roots.map((v) => cScale(v, bw / 2));
    const roots2 = scaled.map((v) => cSqrt(cSub(cMul(v, v), complex(wo * wo))));
    return [...scaled.map((v, i) => cAdd(v, roots2[i]!)), ...scaled.map((v, i) => cSub(v, roots2[i]!))];
  };
  const z = [...split(f.z), ...Array.from({ length: degree }, () => complex(0))];
  return { z, p: split(f.p), k: f.k * bw ** degree };
}

/** s → s·bw/(s² + ω0²), as `lp2bs_zpk`: zeros at ±iω0 fill the degree gap. */
export function lowpassToBandstop(f: Zpk, wo: number, bw: number): Zpk {
  const degree = relativeDegree(f);
  const split = (roots: Complex[]): Complex[] => {
    const inv = roots.map((v) => cDiv(complex(bw / 2), v));
    const roots2 = inv.map((v) => cSqrt(cSub(cMul(v, v), complex(wo * wo))));
    return [...inv.map((v, i) => cAdd(v, roots2[i]!)), ...inv.map((v, i) => cSub(v, roots2[i]!))];
  };
  const z = [
    ...split(f.z),
    ...Array.from({ length: degree }, () => complex(0, wo)),
    ...Array.from({ length: degree }, () => complex(0, -wo)),
  ];
  const k = f.k * cDiv(cProd(f.z.map((v) => cScale(v, -1))), cProd(f.p.map((v) => cScale(v, -1)))).re;
  return { z, p: split(f.p), k };
}

/**
 * Bilinear transform s = 2·fs·(z − 1)/(z + 1): each root r maps to (2fs + r)/(2fs − r), and the
 * degree gap is filled with zeros at z = −1 (Nyquist).
 */
export function bilinear(f: Zpk, fs: number): Zpk {
  const fs2 = complex(2 * fs);
  const map = (v: Complex): Complex => cDiv(cAdd(fs2, v), cSub(fs2, v));
  const degree = relativeDegree(f);
  const z = [...f.z.map(map), ...Array.from({ length: degree }, () => complex(-1))];
  const k = f.k * cDiv(cProd(f.z.map((v) => cSub(fs2, v))), cProd(f.p.map((v) => cSub(fs2, v)))).re;
  return { z, p: f.p.map(map), k };
}
