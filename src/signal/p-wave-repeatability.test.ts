import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { importLudb } from '../io/adapters/ludb.js';
import { loadCohortEcg } from '../io/load-ecg.js';
import { hasSharedReal, SHARED_REAL } from '../test-utils/real-data.js';
import { Rng } from '../util/rng.js';
import { fillInvalidSamples } from './fill-invalid-samples.js';
import { canonicalLead } from './lead-registry.js';
import { pWaveRepeatability } from './p-wave-repeatability.js';
import { detectQrs } from './qrs/detect-qrs.js';
import { removeBaseline } from './remove-baseline.js';

const FS = 250;
/** R peaks every second from 1 s to 9 s. */
const BEATS = Int32Array.from({ length: 9 }, (_, i) => (i + 1) * FS);

/** A 10-s lead holding `atrial(i, t)` (t in s before R peak i) in the 80-300 ms before each R peak. */
function leadWith(atrial: (beat: number, secondsBefore: number) => number): Float64Array {
  const x = new Float64Array(10 * FS);
  BEATS.forEach((r, i) => {
    for (let n = Math.round(0.08 * FS); n <= Math.round(0.3 * FS); n++) x[r - n] = atrial(i, n / FS);
  });
  return x;
}
/** A P wave: a Gaussian 160 ms before the R peak, σ = 20 ms, 0.15 mV. */
const pWave = (t: number): number => 0.15 * Math.exp(-((t - 0.16) ** 2) / (2 * 0.02 ** 2));

describe('pWaveRepeatability', () => {
  it('is 1 when every beat has the same P wave, whatever the polarity and gain of the lead', () => {
    const lead = leadWith((_, t) => pWave(t));
    expect(pWaveRepeatability([lead], BEATS, FS)).toBeCloseTo(1, 12);
    expect(pWaveRepeatability([lead.map((v) => -3 * v)], BEATS, FS)).toBeCloseTo(1, 12);
  });

  it('is −1/(N − 1) when the atrial wave alternates in sign, its lower bound', () => {
    const lead = leadWith((i, t) => (i % 2 === 0 ? 1 : -1) * pWave(t));
    // 9 beats, the first at 1 s has a full window: sums cancel to one wave; (‖s‖² − 9‖s‖²) / (8 · 9‖s‖²) = −1/9
    expect(pWaveRepeatability([lead], BEATS, FS)).toBeCloseTo(-1 / 9, 12);
  });

  it('is near 0 for activity not locked to the QRS, and the P share of the power in between', () => {
    const rng = new Rng(3);
    const beats = Int32Array.from({ length: 60 }, (_, i) => (i + 1) * FS);
    const noise = (withP: boolean): Float64Array => {
      const x = new Float64Array(62 * FS);
      for (let n = 0; n < x.length; n++) x[n] = rng.normal(0, 0.02);
      if (withP) for (const r of beats) for (let k = 0; k < 0.4 * FS; k++) x[r - k] = x[r - k]! + pWave(k / FS);
      return x;
    };
    expect(Math.abs(pWaveRepeatability([noise(false)], beats, FS)!)).toBeLessThan(0.03);
    // the window is 55 samples; a detrended P holds ≈ Σ pWave² (its mean and slope take a little): the share
    // expected is ‖p‖² / (‖p‖² + 55 σ²), about 0.5 here
    let p2 = 0;
    for (let k = Math.round(0.08 * FS) + 1; k <= Math.round(0.3 * FS); k++) p2 += pWave(k / FS) ** 2;
    const expected = p2 / (p2 + 55 * 0.02 ** 2);
    expect(pWaveRepeatability([noise(true)], beats, FS)!).toBeGreaterThan(expected - 0.15);
    expect(pWaveRepeatability([noise(true)], beats, FS)!).toBeLessThan(expected + 0.05);
  });

  it('pools the leads, so that a lead with P waves and a flat lead give the P lead’s value', () => {
    const lead = leadWith((_, t) => pWave(t));
    expect(pWaveRepeatability([lead, new Float64Array(lead.length)], BEATS, FS)).toBeCloseTo(1, 12);
  });

  it('ignores the baseline’s level and slope, and gives null with nothing left or too few beats', () => {
    const ramp = Float64Array.from({ length: 10 * FS }, (_, n) => 0.5 + n / FS);
    expect(pWaveRepeatability([ramp], BEATS, FS)).toBeNull();
    const lead = leadWith((_, t) => pWave(t)).map((v, n) => v + 0.3 * Math.sin(n / FS / 4));
    expect(pWaveRepeatability([lead], BEATS, FS)!).toBeGreaterThan(0.98);
    expect(pWaveRepeatability([lead], BEATS.slice(0, 2), FS)).toBeNull();
    expect(pWaveRepeatability([lead], [], FS)).toBeNull();
  });
});

const LUDB = join(SHARED_REAL, 'ludb');
const present = hasSharedReal && existsSync(join(LUDB, '100.hea'));

describe.skipIf(!present)('pWaveRepeatability on LUDB lead I, against the cardiologists’ rhythm labels', () => {
  it('is lower in atrial fibrillation than in sinus rhythm on most pairs of records (AUROC ≥ 0.9)', () => {
    const rows = importLudb(LUDB).rows.filter((r) => r.labels.length === 1 && ['afib', 'nsr'].includes(r.labels[0]!));
    const value = (row: (typeof rows)[number]): number => {
      const ecg = loadCohortEcg({ recordPath: row.recordPath, window: null });
      const i = ecg.leads.findIndex((name) => canonicalLead(name) === 'I');
      const lead = removeBaseline(fillInvalidSamples(ecg.signals[i]!), ecg.fs, {
        method: 'highpass',
        cutoffHz: 0.15,
      });
      return pWaveRepeatability([lead], detectQrs(lead, ecg.fs), ecg.fs) ?? 0;
    };
    const af = rows.filter((r) => r.labels[0] === 'afib').map(value);
    const sinus = rows.filter((r) => r.labels[0] === 'nsr').map(value);
    expect(af.length).toBeGreaterThanOrEqual(8);
    expect(sinus.length).toBeGreaterThanOrEqual(60);
    let concordant = 0;
    for (const a of af) for (const s of sinus) concordant += a < s ? 1 : a === s ? 0.5 : 0;
    expect(concordant / (af.length * sinus.length)).toBeGreaterThanOrEqual(0.9);
  }, 60_000);
});
