import { describe, expect, it } from 'vitest';
import { run } from './formats-binary.js';

describe('the DICOM and SCP-ECG decoding benchmark', () => {
  it('times every reader and reports medians in milliseconds', async () => {
    const r = await run({ warmup: 0, runs: 1 });
    for (const name of [
      'dicom_mortara_12x10000',
      'dicom_ecgtoolkit_12x5000',
      'scp_ecgtoolkit_12x5000',
      'scp_welchallyn_8x6000',
    ]) {
      expect(r[`${name}_decode_median_ms`]).toBeGreaterThan(0);
      expect(r[`${name}_loadEcg_median_ms`]).toBeGreaterThan(0);
    }
    expect(r.runs).toBe(1);
  });
});
