import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readEcg } from '../io/wfdb/record.js';
import { resampleTo } from '../signal/filters/index.js';
import { hasSharedReal, SHARED_REAL } from '../test-utils/real-data.js';
import { DEFAULT_PREPROCESS, preprocessEcg } from './preprocess.js';

const RECORD = join(SHARED_REAL, 'ludb', '1');
const present = hasSharedReal && existsSync(`${RECORD}.hea`);

/**
 * The model reads 100 Hz band-limited to 0.5-40 Hz, so the rate a device recorded at (250 Hz for many carts and
 * Holters, 300-512 Hz for wearables, 1000 Hz for research carts) should not change its input. Checked on a real
 * 12-lead recording (LUDB record 1, 500 Hz) brought to each rate, which is why training does not randomise the rate.
 */
describe.skipIf(!present)('preprocessEcg at the rates devices record at', () => {
  const ecg = present ? readEcg(RECORD) : null;
  const reference = ecg ? preprocessEcg(ecg, DEFAULT_PREPROCESS) : null;

  it.each([250, 300, 360, 512, 1000])('gives the model the same input from a recording at %i Hz', (fs) => {
    if (!ecg || !reference) throw new Error('LUDB record 1 missing');
    const atRate = { ...ecg, fs, signals: ecg.signals.map((x) => resampleTo(Float64Array.from(x), ecg.fs, fs)) };
    const { signal, mask } = preprocessEcg(atRate, DEFAULT_PREPROCESS);
    expect(Array.from(mask)).toEqual(Array.from(reference.mask));
    // Standardised units (one SD of the lead). Measured: RMS 0.0006-0.005 SD, worst sample 0.006-0.08 SD (in the
    // first samples, the resampling filters' edge transient).
    let worst = 0;
    let squares = 0;
    signal.forEach((v, i) => {
      const d = Math.abs(v - (reference.signal[i] as number));
      worst = Math.max(worst, d);
      squares += d * d;
    });
    expect(Math.sqrt(squares / signal.length)).toBeLessThan(0.01);
    expect(worst).toBeLessThan(0.1);
  });
});
