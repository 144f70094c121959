import { describe, expect, it } from 'vitest';
import { HANDCRAFTED_FEATURES, handcraftedVectors } from './handcrafted-features.js';

describe('handcraftedVectors', () => {
  it('stores each feature as its pool z-score and a missingness flag, a missing value being z = 0, flag 1', () => {
    const F = HANDCRAFTED_FEATURES.length;
    const row = (first: number | null, second: number | null): Array<number | null> => [
      first,
      second,
      ...Array.from({ length: F - 2 }, () => null),
    ];
    // First feature 1, 3, 5: mean 3, population sd sqrt(8/3). Second: 10, 20 present (mean 15, sd 5), one missing.
    const vectors = handcraftedVectors([row(1, 10), row(3, null), row(5, 20)]);
    const sd = Math.sqrt(8 / 3);
    expect(vectors).toHaveLength(3);
    expect(vectors[0]?.length).toBe(2 * F);
    expect([...(vectors[0] as Float32Array).slice(0, 4)].map((x) => +x.toFixed(5))).toEqual([
      +(-2 / sd).toFixed(5),
      0,
      -1,
      0,
    ]);
    expect([...(vectors[1] as Float32Array).slice(0, 4)]).toEqual([0, 0, 0, 1]);
    expect([...(vectors[2] as Float32Array).slice(2, 4)]).toEqual([1, 0]);
    // Features missing everywhere are all flags.
    expect([...(vectors[2] as Float32Array).slice(4)].filter((_, k) => k % 2 === 1).every((x) => x === 1)).toBe(true);
  });
});
