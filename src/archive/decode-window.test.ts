import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MEASUREMENT_FEATURES } from '../data/measurements.js';
import type { PreprocessSpec } from '../data/preprocess.js';
import { decodeRecording } from './decode-window.js';

const record = join(process.cwd(), 'test/fixtures/real/wfdb-python-sample/v102s');
const spec: PreprocessSpec = {
  fs: 100,
  samples: 1000,
  leads: ['I', 'II', 'III', 'aVR', 'aVL', 'aVF', 'V1', 'V2', 'V3', 'V4', 'V5', 'V6'],
  bandpassHz: [0.5, 40],
  filterOrder: 2,
};
const task = {
  recordPath: record,
  window: { startS: 0, endS: 10 },
  ageYears: null,
  sex: null,
  spec,
  windowSeconds: 10,
};

describe('decodeRecording', () => {
  it('gives the same model input with or without measuring, and only nulls when not measuring', async () => {
    const measured = await decodeRecording({ ...task, measure: true });
    const skipped = await decodeRecording({ ...task, measure: false });
    if (!measured.ok || !skipped.ok) throw new Error('the v102s fixture should decode');
    expect(skipped.windows).toHaveLength(measured.windows.length);
    expect(skipped.windows[0]?.signal).toEqual(measured.windows[0]?.signal);
    expect(skipped.windows[0]?.measurements).toEqual(MEASUREMENT_FEATURES.map(() => null));
    expect(measured.windows[0]?.measurements.some((v) => v !== null)).toBe(true);
  });

  it('names the file and the reason when a record cannot be read', async () => {
    const result = await decodeRecording({
      ...task,
      recordPath: join(process.cwd(), 'test/fixtures/no-such-record'),
      measure: true,
    });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toMatch(/no-such-record/);
  });

  it('reads FLAC-compressed WFDB records (formats 508, 516, 524): what stops this one is its leads', async () => {
    const flac = join(process.cwd(), 'test/fixtures/real/wfdb-python-sample/flacformats');
    const result = await decodeRecording({ ...task, recordPath: flac, window: null, measure: false });
    expect(result.ok).toBe(false);
    if (!result.ok)
      expect(result.reason).toMatch(/flacformats.*none of the model's leads .* is usable; the recording has sig 0/);
  });

  it('refuses a numerics record sampled once a minute in one line, not as windows of no sample', async () => {
    const numerics = join(
      process.cwd(),
      'test/fixtures/real/wfdb-python-sample/multi-segment/s25047/s25047-2704-05-04-10-44n',
    );
    const result = await decodeRecording({ ...task, recordPath: numerics, window: null, measure: true });
    expect(result.ok).toBe(false);
    if (!result.ok)
      expect(result.reason).toMatch(/10-44n.*sampling rate 0\.01666\d* Hz is below the 50 Hz an ECG needs/);
  });
});
