import { describe, expect, it } from 'vitest';
import type { Ecg } from '../io/ecg.js';
import { canonicalLead, TWELVE_LEADS } from './lead-registry.js';
import { mapToLeadSet } from './map-to-lead-set.js';
import { removeBaseline } from './remove-baseline.js';
import { standardise } from './standardise.js';

describe('lead registry', () => {
  it.each([
    ['MLII', 'II'],
    ['lead II', 'II'],
    ['ECG', 'II'],
    ['avr', 'aVR'],
    ['AVF', 'aVF'],
    ['v1', 'V1'],
    ['MV5', 'V5'],
    ['V4R', 'V4R'],
    ['v3r', 'V3R'],
    ['V7', 'V7'],
    ['I', 'I'],
    ['III', 'III'],
  ])('knows %s as %s', (name, lead) => expect(canonicalLead(name)).toBe(lead));
  it('does not take non-ECG channels for leads', () => {
    expect(canonicalLead('PLETH')).toBeNull();
    expect(canonicalLead('ABP')).toBeNull();
  });
});

describe('mapToLeadSet', () => {
  const i = Float64Array.of(1, 2, 3);
  const ii = Float64Array.of(4, 5, -6);
  const ecg: Ecg = {
    fs: 500,
    leads: ['I', 'II', 'V1'],
    signals: [i, ii, Float64Array.of(7, 8, 9)],
    units: ['mV', 'mV', 'mV'],
  };

  it('derives III, aVR, aVL and aVF from I and II with Einthoven and Goldberger relations', () => {
    const { signals, mask } = mapToLeadSet(ecg, TWELVE_LEADS);
    expect(Array.from(mask)).toEqual([1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0]);
    expect(Array.from(signals[2]!)).toEqual([3, 3, -9]); // III = II − I
    expect(Array.from(signals[3]!)).toEqual([-2.5, -3.5, 1.5]); // aVR = −(I + II)/2
    expect(Array.from(signals[4]!)).toEqual([-1, -0.5, 6]); // aVL = I − II/2
    expect(Array.from(signals[5]!)).toEqual([3.5, 4, -7.5]); // aVF = II − I/2
    expect(Array.from(signals[7]!)).toEqual([0, 0, 0]);
  });
  it('maps MIT-BIH MLII onto lead II and masks everything else', () => {
    const mit: Ecg = { fs: 360, leads: ['MLII', 'V1'], signals: [ii, i], units: ['mV', 'mV'] };
    const { signals, mask } = mapToLeadSet(mit, ['I', 'II', 'III', 'V1']);
    expect(Array.from(mask)).toEqual([0, 1, 0, 1]);
    expect(Array.from(signals[1]!)).toEqual([4, 5, -6]);
  });
  it('refuses a lead set naming something that is not a lead', () => {
    expect(() => mapToLeadSet(ecg, ['II', 'PLETH'])).toThrow(/PLETH/);
  });
});

describe('baseline removal and standardisation', () => {
  const fs = 250;
  const beat = (t: number): number => Math.exp(-(((t % 1) - 0.5) ** 2) / (2 * 0.01 ** 2));
  const clean = Float64Array.from({ length: 10 * fs }, (_, k) => beat(k / fs));
  const wander = Float64Array.from(
    { length: 10 * fs },
    (_, k) => clean[k]! + 2 * Math.sin(2 * Math.PI * 0.2 * (k / fs)) + 1,
  );

  it.each(['median', 'highpass'] as const)('removes a 0.2 Hz wander of 2 mV with the %s method', (method) => {
    const y = removeBaseline(wander, fs, { method });
    let worst = 0;
    for (let k = fs; k < 9 * fs; k++)
      if (Math.abs(((k / fs) % 1) - 0.5) > 0.1) worst = Math.max(worst, Math.abs(y[k]!));
    expect(worst).toBeLessThan(0.1);
  });
  it('standardises to zero mean and unit variance, and a flat lead to zeros', () => {
    const z = standardise(wander);
    const mean = z.reduce((a, b) => a + b, 0) / z.length;
    const variance = z.reduce((a, b) => a + (b - mean) ** 2, 0) / z.length;
    expect(mean).toBeCloseTo(0, 12);
    expect(variance).toBeCloseTo(1, 12);
    expect(Array.from(standardise(new Float64Array(5).fill(3)))).toEqual([0, 0, 0, 0, 0]);
  });
  it('rejects NaN samples with the sample index', () => {
    expect(() => removeBaseline(Float64Array.of(1, NaN, 3), fs)).toThrow(/sample 1/);
  });
});
