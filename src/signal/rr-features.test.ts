import { describe, expect, it } from 'vitest';
import { fillInvalidSamples } from './fill-invalid-samples.js';
import { medianHeartRate } from './heart-rate.js';
import { pnn50, rrFeatures, sampleEntropy } from './rr-features.js';

describe('rrFeatures', () => {
  // beats at 0, 1000, 1800, 3000, 3900 ms (fs = 1000): RR = 1000, 800, 1200, 900
  const beats = [0, 1000, 1800, 3000, 3900];
  const f = rrFeatures(beats, 1000);
  it('computes mean, median, SDNN and RMSSD by hand', () => {
    expect(f.n).toBe(4);
    expect(f.mean_ms).toBe(975);
    expect(f.median_ms).toBe(950);
    // deviations 25, −175, 225, −75 → Σ² = 625 + 30625 + 50625 + 5625 = 87500; /3
    expect(f.sdnn_ms).toBeCloseTo(Math.sqrt(87500 / 3), 10);
    // successive differences −200, 400, −300 → Σ² = 290000; /3
    expect(f.rmssd_ms).toBeCloseTo(Math.sqrt(290000 / 3), 10);
    expect(f.cv).toBeCloseTo(Math.sqrt(87500 / 3) / 975, 12);
  });
  it('counts turning points against the (2/3)(n − 2) expected of a random series', () => {
    // 1000, 800, 1200, 900: 800 is a minimum and 1200 a maximum → 2 / (2/3 · 2) = 1.5
    expect(f.tpr).toBeCloseTo(1.5, 12);
  });
  it('gives NaN spread measures with a single RR interval', () => {
    const one = rrFeatures([0, 500], 500);
    expect(one.mean_ms).toBe(1000);
    expect(one.sdnn_ms).toBeNaN();
    expect(one.sample_entropy).toBeNull();
  });
});

describe('sampleEntropy', () => {
  it('is −ln(A/B) on a hand-counted series', () => {
    // x = 1 2 1 2 1 3, m = 1, r = 0.5: templates of length 1 over i < 5: values 1 2 1 2 1
    // B = pairs equal within 0.5: (1,1)×3 pairs + (2,2)×1 = 4; A among those whose next values match:
    // i=0,2 → next 2,2 ✓; i=0,4 → 2,3 ✗; i=2,4 → 2,3 ✗; i=1,3 → 1,1 ✓ → A = 2 → −ln(2/4)
    expect(sampleEntropy([1, 2, 1, 2, 1, 3], 1, 0.5)).toBeCloseTo(Math.log(2), 12);
  });
  it('is near 0 for a perfectly periodic series and null when nothing matches', () => {
    expect(sampleEntropy([1, 2, 1, 2, 1, 2, 1, 2], 2, 0.1)).toBeCloseTo(0, 12);
    expect(sampleEntropy([1, 5, 9, 13, 17], 2, 0.1)).toBeNull();
  });
});

describe('medianHeartRate and fillInvalidSamples', () => {
  it('takes 60 / median RR, ignoring one missed beat', () => {
    expect(medianHeartRate([0, 360, 720, 1440, 1800], 360)).toBeCloseTo(60, 12);
    expect(medianHeartRate([5], 360)).toBeNaN();
  });
  it('interpolates NaN gaps linearly and holds the edges', () => {
    expect(Array.from(fillInvalidSamples(Float64Array.of(NaN, 1, NaN, NaN, 4, NaN)))).toEqual([1, 1, 2, 3, 4, 4]);
    expect(() => fillInvalidSamples(Float64Array.of(NaN, NaN))).toThrow(/no valid sample/);
  });
});

describe('pnn50', () => {
  it('counts successive RR differences above 50 ms, by hand', () => {
    // RR = 1000, 1030, 970, 1100 ms: differences 30, −60, 130 → 2 of 3 exceed 50 ms
    expect(pnn50([0, 1000, 2030, 3000, 4100], 1000)).toBeCloseTo(2 / 3, 12);
    // the same beats at 250 Hz
    expect(pnn50([0, 250, 507.5, 750, 1025], 250)).toBeCloseTo(2 / 3, 12);
    // exactly 50 ms is not above 50 ms
    expect(pnn50([0, 1000, 2050], 1000)).toBe(0);
    expect(pnn50([0, 1000], 1000)).toBeNaN();
  });
});
