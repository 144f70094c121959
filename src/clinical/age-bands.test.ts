import { describe, expect, it } from 'vitest';
import { AGE_BAND_IDS, AGE_BANDS, ageBandOf } from './age-bands.js';

describe('age bands', () => {
  it('places boundary ages in the band they open', () => {
    expect(ageBandOf(0)).toBe('neonate');
    expect(ageBandOf(27 / 365.25)).toBe('neonate');
    expect(ageBandOf(28 / 365.25)).toBe('1-3mo');
    expect(ageBandOf(0.25)).toBe('3-6mo');
    expect(ageBandOf(0.5)).toBe('6-12mo');
    expect(ageBandOf(1)).toBe('1-3y');
    expect(ageBandOf(4.99)).toBe('3-5y');
    expect(ageBandOf(5)).toBe('5-8y');
    expect(ageBandOf(11.9)).toBe('8-12y');
    expect(ageBandOf(12)).toBe('12-16y');
    expect(ageBandOf(17.99)).toBe('16-18y');
    expect(ageBandOf(18)).toBe('adult');
    expect(ageBandOf(95)).toBe('adult');
  });

  it('calls null, negative and non-finite ages unknown', () => {
    expect([null, -1, NaN, Infinity].map(ageBandOf)).toEqual(['unknown', 'unknown', 'unknown', 'unknown']);
  });

  it('tiles [0, inf) without gaps or overlaps', () => {
    expect(AGE_BANDS[0]!.minYears).toBe(0);
    for (let i = 1; i < AGE_BANDS.length; i++) expect(AGE_BANDS[i]!.minYears).toBe(AGE_BANDS[i - 1]!.maxYears);
    expect(AGE_BANDS.at(-1)!.maxYears).toBe(Infinity);
    expect(AGE_BAND_IDS).toHaveLength(12);
  });
});
