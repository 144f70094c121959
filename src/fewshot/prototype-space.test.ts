import { describe, expect, it } from 'vitest';
import { squaredDistance } from './prototypes.js';
import { inSpace } from './prototype-space.js';

const e = {
  fused: [Float32Array.of(9, 9), Float32Array.of(0, 0)],
  ecg: [Float32Array.of(1, 2), Float32Array.of(4, 6)],
  clinical: [Float32Array.of(0, 1, 0), Float32Array.of(2, 1, 2)],
};

describe('inSpace', () => {
  it('returns the fused embeddings for the fused space', () => {
    expect(inSpace(e, { kind: 'fused' })).toBe(e.fused);
  });

  it('makes squared distances add up as d(h) + α·d(g) in the ecg+clinical space', () => {
    const [a, b] = inSpace(e, { kind: 'ecg+clinical', alpha: 0.3 }) as [Float32Array, Float32Array];
    // d(h) = 3² + 4² = 25, d(g) = 2² + 0 + 2² = 8
    expect(squaredDistance(a, b)).toBeCloseTo(25 + 0.3 * 8, 5);
    expect(inSpace(e, { kind: 'ecg+clinical', alpha: 0 })[0]).toEqual(Float32Array.of(1, 2));
  });
});
