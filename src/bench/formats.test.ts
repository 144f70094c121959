import { describe, expect, it } from 'vitest';
import { run } from './formats.js';

describe('the XML ECG formats benchmark', () => {
  it('times each reader on its sample file and the aECG writer, in milliseconds', async () => {
    const r = await run({ warmup: 0, runs: 1 });
    for (const name of ['philips_1_04_utf16', 'philips_1_03', 'hl7_aecg', 'hl7_aecg_write']) {
      expect(r[`${name}_median_ms`]).toBeGreaterThan(0);
      expect(r[`${name}_cpu_median_ms`]).toBeGreaterThanOrEqual(0);
    }
    expect(r.runs).toBe(1);
  });
});
