import { describe, expect, it } from 'vitest';
import { splineWavelet } from './spline-wavelet.js';

describe('splineWavelet', () => {
  const sigma = 20;
  const x = Float64Array.from({ length: 400 }, (_, i) => Math.exp(-((i - 200) ** 2) / (2 * sigma ** 2)));
  const scales = splineWavelet(x, 5);

  it('gives the slope of a Gaussian at every scale: a zero crossing at its centre, modulus maxima near ±σ', () => {
    expect(scales).toHaveLength(5);
    for (const w of scales) {
      let crossing = -1;
      let top = 0;
      for (let i = 1; i < w.length; i++) {
        if (w[i - 1]! > 0 && w[i]! <= 0) crossing = i;
        if (w[i]! > w[top]!) top = i;
      }
      expect(Math.abs(crossing - 200)).toBeLessThanOrEqual(1);
      expect(Math.abs(top - (200 - sigma))).toBeLessThanOrEqual(4);
      // odd symmetry about the centre, to within the half-sample offset of the filters
      expect(Math.abs(w[200 - sigma]! + w[200 + sigma]!)).toBeLessThan(0.05 * w[top]!);
    }
  });

  it('is zero on a constant signal, ends included', () => {
    for (const w of splineWavelet(new Float64Array(64).fill(3), 4)) expect(Math.max(...w.map(Math.abs))).toBe(0);
  });
});
