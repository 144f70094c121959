import { describe, expect, it } from 'vitest';
import { readEcg } from '../io/wfdb/record.js';
import { estimateAtrialActivity } from '../signal/atrial-activity.js';
import { measureEcg } from '../signal/measure-ecg.js';
import { CHILD_BEAT, gaussianEcg } from '../signal/test-utils/gaussian-ecg.js';
import { realPath } from '../test-utils/real-data.js';
import {
  MEASUREMENT_FEATURES,
  measureRecording,
  measurementValues,
  ORIGINAL_MEASUREMENT_FEATURES,
} from './measurements.js';

describe('MEASUREMENT_FEATURES', () => {
  it('keeps the original seven first, in order, then the atrial activity, pNN50 and P-wave repeatability', () => {
    expect(MEASUREMENT_FEATURES.slice(0, 7)).toEqual([...ORIGINAL_MEASUREMENT_FEATURES]);
    expect(MEASUREMENT_FEATURES.slice(7)).toEqual([
      'atrial_rate',
      'atrial_concentration',
      'atrial_ventricular_ratio',
      'dissociated_atrial_log2_ratio',
      'rr_pnn50',
      'p_wave_repeatability',
    ]);
  });
});

describe('measurementValues', () => {
  it('gives one null per feature without a measurement', () => {
    expect(measurementValues(null)).toEqual(MEASUREMENT_FEATURES.map(() => null));
  });

  it(
    'takes the atrial rate, concentration, ratio and log₂ of an unlocked atrium ' +
      'slower than the ventricles from the atrial-activity estimate',
    () => {
      const { ecg } = gaussianEcg(CHILD_BEAT, { hrBpm: 100, noise: 0.01, leads: [{ name: 'II', p: 1, qrs: 1, t: 1 }] });
      const m = measureEcg(ecg, { ageYears: 8 });
      const atrial = estimateAtrialActivity(ecg);
      const v = measurementValues(m, atrial);
      expect(v).toHaveLength(MEASUREMENT_FEATURES.length);
      expect(v[MEASUREMENT_FEATURES.indexOf('rr_cv')]).toBeCloseTo(m.rr.cv, 12);
      expect(v.slice(7, 11)).toEqual([
        atrial.atrialRatePerMin,
        atrial.concentration,
        atrial.atrialToVentricular,
        Math.log2(Math.min(1, atrial.unlockedToVentricular as number)),
      ]);
      expect(measurementValues(m, { ...atrial, unlockedToVentricular: 0.5 })[10]).toBe(-1);
      expect(measurementValues(m, { ...atrial, unlockedToVentricular: 2.5 })[10]).toBe(0);
      expect(measurementValues(m).slice(7, 11)).toEqual([null, null, null, null]);
      // a regular rhythm at 100/min: no successive RR difference reaches 50 ms
      expect(v[MEASUREMENT_FEATURES.indexOf('rr_pnn50')]).toBe(0);
      // the same P wave before every QRS, under 0.01 mV of noise
      expect(v[MEASUREMENT_FEATURES.indexOf('p_wave_repeatability')]).toBe(m.p_wave_repeatability);
      expect(m.p_wave_repeatability).toBeGreaterThan(0.9);
    },
  );
});

describe('measureRecording', () => {
  it('measures a real MIT-BIH recording without NaN (unknown age: z-scores null)', () => {
    const ecg = readEcg((realPath('mitdb/200.hea') as string).replace(/\.hea$/, ''), { from: 0, to: 20 * 360 });
    const v = measureRecording(ecg, { ageYears: null, sex: null });
    expect(v).toHaveLength(MEASUREMENT_FEATURES.length);
    expect(v.slice(0, 4)).toEqual([null, null, null, null]);
    for (const x of v) expect(x === null || Number.isFinite(x)).toBe(true);
    expect(v[MEASUREMENT_FEATURES.indexOf('atrial_rate')]).toBeGreaterThanOrEqual(180);
  });

  it('gives nulls for a recording too short to measure', () => {
    const { ecg } = gaussianEcg(CHILD_BEAT, { seconds: 0.6 });
    expect(measureRecording(ecg, { ageYears: 8, sex: 'F' })).toEqual(MEASUREMENT_FEATURES.map(() => null));
  });
});
