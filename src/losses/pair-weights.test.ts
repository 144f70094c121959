import { describe, expect, it } from 'vitest';
import { pairWeights } from './pair-weights.js';

describe('pairWeights', () => {
  // Rows: patient A twice (class 0, band 0), patient B (class 0, band
  // 0), patient C (class 1, band 0), patient D (class 1, band 1).
  const meta = { patientIds: [7, 7, 8, 9, 10], labels: [0, 0, 0, 1, 1], ageBands: [0, 0, 0, 0, 1] };

  it('weighs positives 1, same-class other children β, same-band other-class γ and the rest 1', () => {
    const { denominator } = pairWeights(meta, 0.25, 3);
    const b = 0.25;
    const g = 3;
    // prettier-ignore
    expect(Array.from(denominator)).toEqual([
      1, 1, b, g, 1,
      1, 1, b, g, 1,
      b, b, 1, g, 1,
      g, g, g, 1, b,
      1, 1, 1, b, 1,
    ]);
  });

  it('averages each row over the patient’s recordings', () => {
    const { positives } = pairWeights(meta, 0.5, 2);
    // prettier-ignore
    expect(Array.from(positives)).toEqual([
      0.5, 0.5, 0, 0, 0,
      0.5, 0.5, 0, 0, 0,
      0, 0, 1, 0, 0,
      0, 0, 0, 1, 0,
      0, 0, 0, 0, 1,
    ]);
  });

  it('gives a same-class pair in the same age band β, not γ', () => {
    const { denominator } = pairWeights({ patientIds: [1, 2], labels: [4, 4], ageBands: [2, 2] }, 0.1, 5);
    expect(denominator[1]).toBeCloseTo(0.1, 7);
  });

  it('rejects β outside [0, 1], γ below 1 and ragged metadata', () => {
    expect(() => pairWeights(meta, 1.5, 2)).toThrow(/beta must be in \[0, 1\], got 1.5/);
    expect(() => pairWeights(meta, 0.5, 0.5)).toThrow(/gamma must be >= 1, got 0.5/);
    expect(() => pairWeights({ ...meta, ageBands: [0] }, 0.5, 2)).toThrow(/one entry per row, got 5, 5, 1/);
  });
});
