import { describe, expect, it } from 'vitest';
import { Rng } from '../util/rng.js';
import {
  addBaselineWander,
  addEmgNoise,
  addGaussianNoise,
  augmentEcg,
  dropLeads,
  restrictToRandomLeads,
  scaleAmplitude,
  shiftTime,
  warpTime,
} from './augment.js';

const T = 500;
const L = 3;
/** A 3-lead test signal: sines of 1, 2 and 3 cycles over the window. */
function signal(): Float32Array {
  const x = new Float32Array(T * L);
  for (let t = 0; t < T; t++) for (let l = 0; l < L; l++) x[t * L + l] = Math.sin((2 * Math.PI * (l + 1) * t) / T);
  return x;
}
const rms = (x: Float32Array): number => Math.sqrt(x.reduce((s, v) => s + v * v, 0) / x.length);
const diff = (a: Float32Array, b: Float32Array): Float32Array => a.map((v, i) => v - (b[i] as number));

describe('ECG augmentations', () => {
  it('scales each lead by one gain within the range', () => {
    const x = signal();
    const y = scaleAmplitude(x, L, 0.2, new Rng(1));
    for (let l = 0; l < L; l++) {
      const g = (y[100 * L + l] as number) / (x[100 * L + l] as number);
      expect(g).toBeGreaterThanOrEqual(0.8);
      expect(g).toBeLessThanOrEqual(1.2);
      expect((y[37 * L + l] as number) / (x[37 * L + l] as number)).toBeCloseTo(g, 5);
    }
  });

  it('shifts time circularly by whole samples', () => {
    const x = signal();
    const y = shiftTime(x, L, 7);
    expect(y[7 * L + 2]).toBe(x[2]);
    expect(y[2]).toBe(x[(T - 7) * L + 2]);
    expect(shiftTime(y, L, -7)).toEqual(x);
  });

  it('adds Gaussian noise of the requested standard deviation', () => {
    const x = signal();
    expect(rms(diff(addGaussianNoise(x, 0.1, new Rng(2)), x))).toBeCloseTo(0.1, 2);
  });

  it('adds EMG-like noise that is high-frequency (negative lag-1 autocorrelation)', () => {
    const x = new Float32Array(T * L);
    const n = addEmgNoise(x, L, 0.1, new Rng(3));
    let c = 0;
    let v = 0;
    for (let t = 1; t < T; t++) {
      c += (n[t * L] as number) * (n[(t - 1) * L] as number);
      v += (n[t * L] as number) ** 2;
    }
    expect(c / v).toBeLessThan(-0.3); // differenced white noise: lag-1 autocorrelation −0.5
    expect(rms(n)).toBeGreaterThan(0.02);
  });

  it('adds a slow baseline wander bounded by its amplitude', () => {
    const x = signal();
    const w = diff(addBaselineWander(x, L, 0.3, new Rng(4)), x);
    expect(Math.max(...w.map(Math.abs))).toBeLessThanOrEqual(0.3 + 1e-6);
    expect(rms(w)).toBeGreaterThan(0.05);
  });

  it('drops leads to zero in signal and mask but always keeps one', () => {
    const x = signal();
    const mask = Float32Array.from([1, 1, 1]);
    for (let seed = 0; seed < 20; seed++) {
      const { signal: y, mask: m } = dropLeads(x, mask, 0.99, new Rng(seed));
      expect(m.reduce((a, b) => a + b, 0)).toBe(1);
      for (let l = 0; l < L; l++) if (m[l] === 0) expect(y[10 * L + l]).toBe(0);
    }
  });

  it('warps time mildly: a warp of strength 0 is the identity, a small warp stays close', () => {
    const x = signal();
    expect(warpTime(x, L, 0, new Rng(5))).toEqual(x);
    const y = warpTime(x, L, 0.05, new Rng(5));
    expect(rms(diff(y, x))).toBeLessThan(0.3);
    expect(rms(diff(y, x))).toBeGreaterThan(0.001);
  });

  it('keeps never-recorded leads at zero and is reproducible from its seed', () => {
    const x = signal();
    for (let t = 0; t < T; t++) x[t * L + 1] = 0;
    const mask = Float32Array.from([1, 0, 1]);
    const a = augmentEcg(x, mask, new Rng(9));
    const b = augmentEcg(x, mask, new Rng(9));
    expect(a).toEqual(b);
    expect(a.mask[1]).toBe(0);
    for (let t = 0; t < T; t++) expect(a.signal[t * L + 1]).toBe(0);
    expect(x[0]).toBe(0); // input untouched (lead 0 at t=0 is sin 0)
  });
});

describe('restrictToRandomLeads: the recording as a device with fewer leads gives it', () => {
  const twelve = (): { x: Float32Array; mask: Float32Array } => {
    const leads = 12;
    const x = new Float32Array(T * leads);
    for (let t = 0; t < T; t++)
      for (let l = 0; l < leads; l++) x[t * leads + l] = Math.sin((2 * Math.PI * (l + 1) * t) / T);
    return { x, mask: new Float32Array(leads).fill(1) };
  };

  it('keeps 1, 2, 3 or 6 of the recorded leads, each unchanged or reversed, and zeroes and masks the rest', () => {
    const { x, mask } = twelve();
    const rng = new Rng(5);
    const sizes = new Set<number>();
    let reversed = 0;
    let kept = 0;
    for (let k = 0; k < 400; k++) {
      const r = restrictToRandomLeads(x, mask, 0.1, rng);
      const on = [...r.mask.keys()].filter((l) => r.mask[l] === 1);
      sizes.add(on.length);
      for (let l = 0; l < 12; l++) {
        const gain = (r.signal[37 * 12 + l] as number) / (x[37 * 12 + l] as number);
        if (r.mask[l] === 0) expect(gain).toBe(0);
        else {
          expect(Math.abs(gain)).toBeCloseTo(1, 6);
          kept++;
          if (gain < 0) reversed++;
        }
      }
    }
    expect([...sizes].sort((a, b) => a - b)).toEqual([1, 2, 3, 6]);
    expect(reversed / kept).toBeGreaterThan(0.05);
    expect(reversed / kept).toBeLessThan(0.15);
  });

  it('never invents a lead the recording did not have, and keeps a single recorded lead', () => {
    const { x } = twelve();
    const mask = new Float32Array(12);
    mask[0] = 1;
    const r = restrictToRandomLeads(x, mask, 0, new Rng(2));
    expect(Array.from(r.mask)).toEqual(Array.from(mask));
    for (let t = 0; t < T; t++) expect(r.signal[t * 12]).toBe(x[t * 12]);
  });
});
