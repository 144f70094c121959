import { describe, expect, it } from 'vitest';
import { calibration } from './calibration.js';

describe('calibration', () => {
  it('computes ECE over equal-width bins by hand', () => {
    // 5 bins of width 0.2. Bin (0.4,0.6]: conf 0.5, 0.6 → mean 0.55, 1 of 2 right → gap 0.05.
    // Bin (0.8,1.0]: conf 0.9, 1.0 → mean 0.95, 2 of 2 right → gap 0.05. Bin (0.6,0.8]: conf 0.7, wrong → gap 0.7.
    const r = calibration([0.5, 0.6, 0.9, 1.0, 0.7], [true, false, true, true, false], { binCount: 5 });
    expect(r.ece).toBeCloseTo((2 / 5) * 0.05 + (2 / 5) * 0.05 + (1 / 5) * 0.7, 12);
    expect(r.mce).toBeCloseTo(0.7, 12);
    expect(r.bins.map((b) => b.count)).toEqual([0, 0, 2, 1, 2]);
    expect(r.bins[0]).toEqual({ lower: 0, upper: 0.2, count: 0, accuracy: null, confidence: null });
  });

  it('is 0 for a perfectly calibrated predictor', () => {
    const conf = new Array<number>(10).fill(0.7);
    const correct = [true, true, true, true, true, true, true, false, false, false];
    expect(calibration(conf, correct).ece).toBeCloseTo(0, 15);
  });

  it('puts confidence 0 in the first bin and 1 in the last, and rejects confidences outside [0, 1]', () => {
    const r = calibration([0, 1], [false, true], { binCount: 4 });
    expect(r.bins.map((b) => b.count)).toEqual([1, 0, 0, 1]);
    expect(() => calibration([1.2], [true])).toThrow(/confidences\[0\]/);
    expect(calibration([1 + 1e-7], [true], { binCount: 4 }).bins[3]?.count).toBe(1); // float32 rounding
  });
});
