import { describe, expect, it } from 'vitest';
import { quantile, quantileOfSorted } from './quantile.js';

describe('quantile (numpy linear interpolation)', () => {
  it('matches numpy.quantile on hand-checked values', () => {
    // numpy.quantile([1, 2, 3, 4, 10], 0.95) = 8.8; numpy.quantile([1, 2, 3, 4], 0.025) = 1.075
    expect(quantile([10, 1, 4, 3, 2], 0.95)).toBeCloseTo(8.8, 12);
    expect(quantileOfSorted([1, 2, 3, 4], 0.025)).toBeCloseTo(1.075, 15);
    expect(quantileOfSorted([1, 2, 3, 4], 0.5)).toBe(2.5);
  });

  it('gives the extremes at 0 and 1, the value of a single element, and NaN for none', () => {
    expect(quantile([3, -1, 2], 0)).toBe(-1);
    expect(quantile([3, -1, 2], 1)).toBe(3);
    expect(quantile([7], 0.3)).toBe(7);
    expect(quantile([], 0.5)).toBeNaN();
  });
});
