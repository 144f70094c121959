import { describe, expect, it } from 'vitest';
import { renderDipole } from './dipole-model.js';

describe('renderDipole', () => {
  it('evaluates an asymmetric Gaussian kernel on each dipole axis', () => {
    const fs = 1000;
    const d = renderDipole([{ centre: 0.1, sigmaBefore: 0.02, sigmaAfter: 0.01, amplitude: [2, -1, 0.5] }], fs, 200);
    expect(d.x[100]).toBeCloseTo(2, 12);
    // 20 ms before the peak is one σ_before: 2·e^(−1/2); 20 ms after is two σ_after: 2·e^(−2).
    expect(d.x[80]).toBeCloseTo(2 * Math.exp(-0.5), 12);
    expect(d.x[120]).toBeCloseTo(2 * Math.exp(-2), 12);
    expect(d.y[80]).toBeCloseTo(-Math.exp(-0.5), 12);
    expect(d.z[120]).toBeCloseTo(0.5 * Math.exp(-2), 12);
  });

  it('sums overlapping kernels and ignores the parts outside the record', () => {
    const d = renderDipole(
      [
        { centre: 0.0, sigmaBefore: 0.01, sigmaAfter: 0.01, amplitude: [1, 0, 0] },
        { centre: 0.005, sigmaBefore: 0.01, sigmaAfter: 0.01, amplitude: [1, 0, 0] },
      ],
      1000,
      10,
    );
    expect(d.x[0]).toBeCloseTo(1 + Math.exp(-0.125), 12);
    expect(d.x.length).toBe(10);
  });
});
