import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FewbeatError } from '../errors.js';
import { REPO_ROOT } from '../test-utils/real-data.js';
import { parseCsvWaveform, readCsvWaveform } from './csv-waveform.js';

describe('CSV waveforms', () => {
  it('reads leads, units from the header and fs from the time column', () => {
    const ecg = readCsvWaveform(join(REPO_ROOT, 'test/fixtures/csv/three-leads-200hz.csv'));
    expect(ecg).toMatchObject({ fs: 200, leads: ['I', 'II', 'V1'], units: ['mV', 'mV', 'uV'] });
    expect(Array.from(ecg.signals[2]!)).toEqual(Array.from({ length: 20 }, (_, i) => 10 * i));
    expect(ecg.signals[1]![7]).toBeCloseTo(-0.14, 12);
  });

  it('takes fs from the caller when there is no time column, with default units', () => {
    const ecg = parseCsvWaveform('MLII,V5\n1,2\n3,4\n,NaN\n', 'x.csv', { fs: 360 });
    expect(ecg).toMatchObject({ fs: 360, leads: ['MLII', 'V5'], units: ['mV', 'mV'] });
    expect(Array.from(ecg.signals[0]!)).toEqual([1, 3, NaN]);
  });

  it('reads a time column in milliseconds', () => {
    expect(parseCsvWaveform('time_ms,II\n0,1\n2,1\n4,1\n', 'x.csv').fs).toBe(500);
  });

  it('rejects a missing sampling rate, irregular steps and non-numeric cells with their place', () => {
    expect(() => parseCsvWaveform('II\n1\n2\n', 'x.csv')).toThrow(
      /x\.csv: line 1: no time column .* and no sampling rate given/,
    );
    expect(() => parseCsvWaveform('time,II\n0,1\n0.01,1\n0.02,1\n0.03,1\n0.07,1\n', 'x.csv')).toThrow(
      /sample row 5: irregular sampling: step 0.04/,
    );
    expect(() => parseCsvWaveform('time,II\n0,1\n0.01,abc\n', 'x.csv')).toThrow(
      /x\.csv: sample row 2, column II: not a number: 'abc'/,
    );
    expect(() => parseCsvWaveform('time,II\n0,1\n0.01\n', 'x.csv')).toThrow(FewbeatError);
    expect(() => readCsvWaveform('/nonexistent/x.csv')).toThrow(/cannot read file \(ENOENT\)/);
  });
});
