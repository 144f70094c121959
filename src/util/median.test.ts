import { describe, expect, it } from 'vitest';
import { median } from './median.js';

describe('median', () => {
  it('takes the middle value of an odd count, whatever the order', () => {
    expect(median([5, 1, 3])).toBe(3);
  });

  it('averages the two middle values of an even count, as numpy.median does', () => {
    // numpy.median([4, 1, 3, 2]) == 2.5
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });

  it('sorts numerically, not as strings', () => {
    expect(median([10, 9, 100])).toBe(10);
  });

  it('is NaN for an empty list', () => {
    expect(median([])).toBeNaN();
  });

  it('reads typed arrays and leaves the input unchanged', () => {
    const x = new Float32Array([3, 1, 2]);
    expect(median(x)).toBe(2);
    expect(Array.from(x)).toEqual([3, 1, 2]);
  });
});
