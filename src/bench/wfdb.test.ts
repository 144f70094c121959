import { describe, expect, it } from 'vitest';
import { run } from './wfdb.js';

describe('the WFDB benchmark', () => {
  it('times every workload and reports medians in milliseconds', async () => {
    const r = await run({ warmup: 0, runs: 1 });
    for (const name of ['record200_plus_atr', 'record200', 'record200_atr', 'record200_10s_range', 'write200_fmt16']) {
      expect(r[`${name}_median_ms`]).toBeGreaterThan(0);
      expect(r[`${name}_cpu_median_ms`]).toBeGreaterThanOrEqual(0);
    }
    expect(r.runs).toBe(1);
  });
});
