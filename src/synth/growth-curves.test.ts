import { describe, expect, it } from 'vitest';
import { lmsValue } from './growth-curves.js';

describe('growth curves (LMS)', () => {
  it('returns the WHO medians at z = 0', () => {
    expect(lmsValue('weightKg', 'M', 1, 0)).toBeCloseTo(9.6479, 4);
    expect(lmsValue('heightCm', 'F', 0, 0)).toBeCloseTo(49.1477, 4);
  });

  it('matches the WHO weight-for-age table at +2 SD for 12-month boys (12.0 kg) and -2 SD at birth (2.5 kg)', () => {
    // WHO Child Growth Standards, weight-for-age boys, z-score
    // table: 12 months +2 SD = 12.0 kg; 0 months −2 SD = 2.5 kg.
    expect(lmsValue('weightKg', 'M', 1, 2)).toBeCloseTo(12.0, 1);
    expect(lmsValue('weightKg', 'M', 0, -2)).toBeCloseTo(2.5, 1);
  });

  it('grows monotonically with age at the median', () => {
    let previous = 0;
    for (let age = 0; age <= 18; age += 0.25) {
      const w = lmsValue('weightKg', 'F', age, 0);
      expect(w).toBeGreaterThan(previous);
      previous = w;
    }
  });
});
