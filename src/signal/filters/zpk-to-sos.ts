import { type Complex, cAbs, cConj, isReal, complex } from './complex.js';
import { splitComplexReal } from './cplxreal.js';
import { polyFromRoots } from './poly.js';
import type { Sos } from './sos.js';
import type { Zpk } from './zpk.js';

/**
 * Second-order sections from a digital zero-pole-gain filter, pairing as scipy's
 * `zpk2sos(..., pairing='nearest')`: poles closest to the unit circle go last, each pole (pair)
 * takes the nearest zero (pair), and the gain goes into the first section. Matching scipy's
 * ordering matters for bit-level agreement of `sosfilt` outputs.
 */
export function zpkToSos(filter: Zpk): Sos {
  let z = [...filter.z];
  let p = [...filter.p];
  while (p.length < z.length) p.push(complex(0));
  while (z.length < p.length) z.push(complex(0));
  const nSections = Math.floor((Math.max(p.length, z.length) + 1) / 2);
  if (p.length % 2 === 1) {
    p.push(complex(0));
    z.push(complex(0));
  }
  const zs = splitComplexReal(z);
  const ps = splitComplexReal(p);
  z = [...zs.complexPairs, ...zs.reals];
  p = [...ps.complexPairs, ...ps.reals];

  const worst = (list: Complex[]): number => argMin(list.map((v) => Math.abs(1 - cAbs(v))));
  const take = (list: Complex[], i: number): Complex => list.splice(i, 1)[0]!;
  const nearest = (from: Complex[], to: Complex, which: 'real' | 'complex' | 'any'): number => {
    const order = from.map((v, i) => ({ d: cAbs({ re: v.re - to.re, im: v.im - to.im }), i }));
    order.sort((a, b) => a.d - b.d || a.i - b.i);
    const hit = order.find(({ i }) => which === 'any' || (which === 'real') === isReal(from[i]!));
    if (!hit) throw new Error('zpkToSos: no zero of the requested kind left');
    return hit.i;
  };
  const section = (zeros: Complex[], poles: Complex[]): Float64Array => {
    const row = new Float64Array(6);
    const b = polyFromRoots(zeros);
    const a = polyFromRoots(poles);
    row.set(b, 3 - b.length);
    row.set(a, 6 - a.length);
    return row;
  };

  const sos: Sos = new Array<Float64Array>(nSections);
  for (let si = nSections - 1; si >= 0; si--) {
    const p1 = take(p, worst(p));
    const realPolesLeft = p.filter(isReal).length;
    if (isReal(p1) && realPolesLeft === 0) {
      const z1 = take(z, nearest(z, p1, 'real'));
      sos[si] = section([z1, complex(0)], [p1, complex(0)]);
    } else if (p.length + 1 === z.length && !isReal(p1) && realPolesLeft === 1 && z.filter(isReal).length === 1) {
      const z1 = take(z, nearest(z, p1, 'complex'));
      sos[si] = section([z1, cConj(z1)], [p1, cConj(p1)]);
    } else {
      let p2: Complex;
      if (isReal(p1)) {
        const realIdx = p.map((v, i) => (isReal(v) ? i : -1)).filter((i) => i >= 0);
        p2 = take(p, realIdx[worst(realIdx.map((i) => p[i]!))]!);
      } else {
        p2 = cConj(p1);
      }
      if (z.length > 0) {
        const z1 = take(z, nearest(z, p1, 'any'));
        if (!isReal(z1)) sos[si] = section([z1, cConj(z1)], [p1, p2]);
        else if (z.length > 0) sos[si] = section([z1, take(z, nearest(z, p1, 'real'))], [p1, p2]);
        else sos[si] = section([z1], [p1, p2]);
      } else {
        sos[si] = section([], [p1, p2]);
      }
    }
  }
  for (let j = 0; j < 3; j++) sos[0]![j]! *= filter.k;
  return sos;
}

function argMin(values: number[]): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i]! < values[best]!) best = i;
  return best;
}
