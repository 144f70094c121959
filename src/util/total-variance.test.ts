import { describe, expect, it } from 'vitest';
import { totalVariance } from './total-variance.js';

describe('totalVariance', () => {
  it('sums the population variances of the columns (hand-computed)', () => {
    // columns (1, 3) and (2, 6): variances 1 and 4
    expect(totalVariance([Float32Array.of(1, 2), Float32Array.of(3, 6)])).toBe(5);
  });

  it('is 0 for no rows and for identical rows', () => {
    expect(totalVariance([])).toBe(0);
    expect(totalVariance([Float32Array.of(2, 7), Float32Array.of(2, 7)])).toBe(0);
  });
});
