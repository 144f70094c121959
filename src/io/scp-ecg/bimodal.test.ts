import { describe, expect, it } from 'vitest';
import { bimodalStoredCount, expandBimodal } from './bimodal.js';

describe('bimodal compression', () => {
  // 10 full-rate samples, rate 2, protected area = samples 5-6 (1-based): blocks t0-1, t2-3, t4, t5, t6-7, t8-9
  const areas = [{ start: 5, end: 6 }];

  it('stores one value per 2 samples outside the protected area and every sample inside it', () => {
    expect(bimodalStoredCount(1, 10, 2, areas)).toBe(6);
    expect(bimodalStoredCount(1, 10, 1, areas)).toBe(10);
    expect(bimodalStoredCount(1, 10, 4, [])).toBe(3);
  });

  it('reconstructs a ramp exactly between the first and last block centres', () => {
    // x[t] = 2t: block means 1, 5, protected 8, 10, block means 13, 17
    const out = expandBimodal(Int32Array.from([1, 5, 8, 10, 13, 17]), 1, 10, 2, areas);
    expect(Array.from(out)).toEqual([1, 2, 4, 6, 8, 10, 12, 14, 16, 17]);
  });

  it('keeps protected samples exact whatever their neighbours', () => {
    const out = expandBimodal(Int32Array.from([0, 0, 100, -100, 0, 0]), 1, 10, 2, areas);
    expect(out[4]).toBe(100);
    expect(out[5]).toBe(-100);
  });
});
