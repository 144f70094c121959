import { describe, expect, it } from 'vitest';
import { measureEcg } from './measure-ecg.js';
import { defaultNormTable } from './norms/default-norms.js';
import { CHILD_BEAT, type GaussianBeat, gaussianEcg, trueIntervals } from './test-utils/gaussian-ecg.js';

const TWELVE = [
  { name: 'I', p: 0.6, qrs: 0.5, t: 0.6 },
  { name: 'II', p: 1, qrs: 1, t: 1 },
  { name: 'III', p: 0.4, qrs: 0.5, t: 0.4 },
  { name: 'aVR', p: -0.8, qrs: -0.75, t: -0.8 },
  { name: 'aVL', p: 0.1, qrs: 0, t: 0.1 },
  { name: 'aVF', p: 0.7, qrs: 0.75, t: 0.7 },
  { name: 'V1', p: 0.5, qrs: -0.6, t: -0.3 },
  { name: 'V2', p: 0.4, qrs: -0.8, t: 0.5 },
  { name: 'V3', p: 0.3, qrs: 0.4, t: 0.8 },
  { name: 'V4', p: 0.3, qrs: 1.2, t: 1 },
  { name: 'V5', p: 0.3, qrs: 1.1, t: 0.8 },
  { name: 'V6', p: 0.3, qrs: 0.9, t: 0.6 },
];

const variants: Array<{ label: string; beat: GaussianBeat; hrBpm: number; leads?: typeof TWELVE; noise?: number }> = [
  { label: 'a child beat in lead II at 75 bpm', beat: CHILD_BEAT, hrBpm: 75 },
  {
    label: 'a child beat on 12 leads at 100 bpm with 20 µV noise',
    beat: CHILD_BEAT,
    hrBpm: 100,
    leads: TWELVE,
    noise: 0.02,
  },
  {
    label: 'an infant beat (short PR, narrow QRS, no Q) at 150 bpm',
    beat: {
      p: { amp: 0.12, mu: -0.09, sigma: 0.009 },
      q: null,
      r: { amp: 1, mu: 0, sigma: 0.007 },
      s: { amp: -0.4, mu: 0.018, sigma: 0.006 },
      t: { amp: 0.25, mu: 0.17, sigma: 0.028 },
    },
    hrBpm: 150,
    leads: TWELVE,
    noise: 0.01,
  },
  {
    label: 'a first-degree AV block with a wide QRS at 60 bpm',
    beat: {
      p: { amp: 0.15, mu: -0.28, sigma: 0.013 },
      q: { amp: -0.15, mu: -0.035, sigma: 0.01 },
      r: { amp: 1, mu: 0, sigma: 0.014 },
      s: { amp: -0.5, mu: 0.04, sigma: 0.012 },
      t: { amp: -0.3, mu: 0.3, sigma: 0.04 },
    },
    hrBpm: 60,
  },
  {
    label: 'a long QT at 80 bpm',
    beat: { ...CHILD_BEAT, t: { amp: 0.3, mu: 0.33, sigma: 0.04 } },
    hrBpm: 80,
    leads: TWELVE,
    noise: 0.01,
  },
];

describe('measureEcg on sum-of-Gaussians ECGs with known intervals (500 Hz)', () => {
  it.each(variants)('measures PR, QRS and QT within 10 ms for $label', ({ beat, hrBpm, leads, noise }) => {
    const { ecg } = gaussianEcg(beat, { hrBpm, seconds: 10, ...(leads ? { leads } : {}), ...(noise ? { noise } : {}) });
    const m = measureEcg(ecg);
    const truth = trueIntervals(beat);
    expect(m.hr_bpm).toBeCloseTo(hrBpm, 0);
    expect(Math.abs(m.pr_ms! - truth.pr!)).toBeLessThanOrEqual(10);
    expect(Math.abs(m.qrs_ms! - truth.qrs)).toBeLessThanOrEqual(10);
    expect(Math.abs(m.qt_ms! - truth.qt)).toBeLessThanOrEqual(10);
    const rr = 60 / hrBpm;
    expect(m.qtc_bazett_ms).toBeCloseTo(m.qt_ms! / Math.sqrt(rr), -0.5);
    expect(m.qtc_fridericia_ms).toBeCloseTo(m.qt_ms! / Math.cbrt(rr), -0.5);
  });

  it('measures a paced QRS from the pacemaker stimulus, not from the spike smeared by the low-pass', () => {
    const paced: GaussianBeat = {
      p: null,
      q: null,
      r: { amp: 1, mu: 0, sigma: 0.025 },
      s: { amp: -0.4, mu: 0.06, sigma: 0.02 },
      t: { amp: -0.3, mu: 0.3, sigma: 0.04 },
    };
    const { ecg, rPeaks } = gaussianEcg(paced, { hrBpm: 70, leads: TWELVE.slice(0, 3), noise: 0.01 });
    // a 2-ms stimulus at the 3σ onset of the R wave, on every lead
    const spike = -Math.round(3 * 0.025 * ecg.fs);
    for (const x of ecg.signals) for (const r of rPeaks) for (const k of [0, 1]) x[r + spike + k]! += 0.6;
    const m = measureEcg(ecg);
    expect(Math.abs(m.qrs_ms! - trueIntervals(paced).qrs)).toBeLessThanOrEqual(10);
  });

  it('gives PR null with a reason when there is no P wave (junctional rhythm)', () => {
    const { ecg } = gaussianEcg({ ...CHILD_BEAT, p: null }, { hrBpm: 90, leads: TWELVE, noise: 0.01 });
    const m = measureEcg(ecg);
    expect(m.pr_ms).toBeNull();
    expect(m.reasons.pr_ms).toMatch(/no P wave/);
    expect(m.qrs_ms).not.toBeNull();
  });
});

describe('measureEcg with age norms (Rijnbeek 2001)', () => {
  const norms = defaultNormTable();
  it('flags a heart rate of 180 bpm as high for an 8-year-old girl, with z-scores', () => {
    const { ecg } = gaussianEcg(
      { ...CHILD_BEAT, t: { amp: 0.3, mu: 0.15, sigma: 0.025 } },
      { hrBpm: 180, leads: TWELVE, noise: 0.01 },
    );
    const m = measureEcg(ecg, { ageYears: 8.5, sex: 'F', norms });
    expect(m.norms).toBe('Rijnbeek 2001');
    const hrFlag = m.flags.find((f) => f.code === 'hr_high_for_age');
    expect(hrFlag?.text).toMatch(
      /^HR 1(79|80)(\.\d)? bpm is above the 98th percentile \(58-110\) for a girl of 8.5 years$/,
    );
    // split-normal z: (180 − 80) / ((110 − 80) / 2.054)
    expect(m.z.hr).toBeCloseTo((m.hr_bpm! - 80) / ((110 - 80) / 2.0537489106318225), 1);
  });
  it('does not flag a normal 8-year-old and gives z-scores near the median', () => {
    const { ecg } = gaussianEcg(CHILD_BEAT, { hrBpm: 80, leads: TWELVE, noise: 0.01 });
    const m = measureEcg(ecg, { ageYears: 9, sex: 'M', norms });
    expect(m.flags.filter((f) => f.code.startsWith('hr'))).toEqual([]);
    expect(Math.abs(m.z.hr!)).toBeLessThan(0.5);
  });
  it('gives intervals but no z-scores or flags without an age, and says why', () => {
    const { ecg } = gaussianEcg(CHILD_BEAT, { hrBpm: 200 });
    const m = measureEcg(ecg, { norms });
    expect(m.flags).toEqual([]);
    expect(m.z).toEqual({ hr: null, pr: null, qrs: null, qtc: null });
    expect(m.norms).toBeNull();
    expect(m.reasons.z).toMatch(/no age/);
  });
  it('says so when the age is outside the table (a 5-day-old neonate)', () => {
    const { ecg } = gaussianEcg(CHILD_BEAT, { hrBpm: 150 });
    const m = measureEcg(ecg, { ageYears: 5 / 365.25, sex: 'M', norms });
    expect(m.norms).toBeNull();
    expect(m.reasons.z).toMatch(/covers ages/);
  });
});

describe('measureEcg on bad input', () => {
  const { ecg } = gaussianEcg(CHILD_BEAT, { hrBpm: 75, seconds: 4 });
  it('rejects fs = 0', () => expect(() => measureEcg({ ...ecg, fs: 0 })).toThrow(/sampling rate/));
  it('rejects an empty signal', () =>
    expect(() => measureEcg({ ...ecg, signals: [new Float64Array(0)] })).toThrow(/empty/));
  it('rejects a lead that is all NaN', () =>
    expect(() => measureEcg({ ...ecg, signals: [new Float64Array(2000).fill(NaN)] })).toThrow(/NaN/));
  it('rejects a record shorter than one beat', () =>
    expect(() => measureEcg({ ...ecg, signals: [ecg.signals[0]!.slice(0, 400)] })).toThrow(/shorter than one beat/));
  it('rejects an impossible age', () => expect(() => measureEcg(ecg, { ageYears: -2 })).toThrow(/age/));
});

describe('measureEcg on unusable signals', () => {
  it('says a record whose leads are all off is unusable instead of measuring it', () => {
    const flat = {
      fs: 500,
      leads: ['I', 'II'],
      signals: [new Float64Array(5000).fill(0.2), new Float64Array(5000)],
      units: ['mV', 'mV'],
    };
    const m = measureEcg(flat);
    expect(m.quality.usable).toBe(false);
    expect(m.hr_bpm).toBeNull();
    expect(m.reasons.hr_bpm).toMatch(/signal quality too poor/);
  });
  it('leaves a disconnected lead out and measures from the others', () => {
    const { ecg } = gaussianEcg(CHILD_BEAT, { hrBpm: 75, leads: TWELVE.slice(0, 3), noise: 0.01 });
    ecg.signals[2] = new Float64Array(ecg.signals[2]!.length);
    const m = measureEcg(ecg);
    expect(m.leads).toEqual(['I', 'II']);
    expect(m.hr_bpm).toBeCloseTo(75, 0);
  });
});
