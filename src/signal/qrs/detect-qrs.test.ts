import { describe, expect, it } from 'vitest';
import { Rng } from '../../util/rng.js';
import { CHILD_BEAT, type GaussianBeat, gaussianEcg } from '../test-utils/gaussian-ecg.js';
import { detectQrs } from './detect-qrs.js';
import { detectQrsMultiLead } from './detect-qrs-multi-lead.js';
import { matchBeats } from './ec57.js';

/** Every reference beat found within 50 ms, and nothing else. */
function expectExact(reference: number[], detected: Int32Array, fs: number): void {
  const m = matchBeats(reference, detected, fs, { windowSeconds: 0.05 });
  expect({ fn: m.fn, fp: m.fp }).toEqual({ fn: 0, fp: 0 });
}

const INFANT_BEAT: GaussianBeat = {
  p: { amp: 0.1, mu: -0.08, sigma: 0.008 },
  q: null,
  r: { amp: 1, mu: 0, sigma: 0.006 },
  s: { amp: -0.3, mu: 0.015, sigma: 0.005 },
  t: { amp: 0.25, mu: 0.12, sigma: 0.02 },
};

describe('detectQrs across sampling rates and heart rates', () => {
  it.each([125, 250, 360, 500, 1000])('finds every beat of a child ECG at 90 bpm sampled at %i Hz', (fs) => {
    const { ecg, rPeaks } = gaussianEcg(CHILD_BEAT, { fs, hrBpm: 90, seconds: 20, noise: 0.02, seed: fs });
    expectExact(rPeaks, detectQrs(ecg.signals[0]!, fs), fs);
  });
  it.each([35, 60, 140, 220, 300])('finds every beat at %i bpm (adult bradycardia to infant SVT)', (hr) => {
    const beat = hr > 150 ? INFANT_BEAT : CHILD_BEAT;
    const { ecg, rPeaks } = gaussianEcg(beat, { fs: 500, hrBpm: hr, seconds: 30, noise: 0.02, seed: hr });
    expectExact(rPeaks, detectQrs(ecg.signals[0]!, 500), 500);
  });
});

/** Concatenate beats at given R times (s) with per-beat morphology. */
function beatTrain(
  fs: number,
  seconds: number,
  beats: Array<{ t: number; beat: GaussianBeat }>,
  noise: number,
  seed: number,
): Float64Array {
  const x = new Float64Array(Math.round(seconds * fs));
  for (const { t, beat } of beats) {
    for (const w of [beat.p, beat.q, beat.r, beat.s, beat.t]) {
      if (!w) continue;
      const c = t + w.mu;
      for (
        let i = Math.max(0, Math.floor((c - 5 * w.sigma) * fs));
        i < Math.min(x.length, (c + 5 * w.sigma) * fs);
        i++
      ) {
        x[i]! += w.amp * Math.exp(-((i / fs - c) ** 2) / (2 * w.sigma ** 2));
      }
    }
  }
  const rng = new Rng(seed);
  for (let i = 0; i < x.length; i++) x[i]! += rng.normal(0, noise);
  return x;
}

describe('detectQrs on arrhythmias', () => {
  const fs = 360;
  it('follows an abrupt onset of 280 bpm SVT from a sinus rhythm of 120 bpm', () => {
    const times: number[] = [];
    for (let t = 0.5; t < 10; t += 0.5) times.push(t);
    for (let t = 10; t < 20; t += 60 / 280) times.push(t);
    for (let t = 20.5; t < 25; t += 0.5) times.push(t);
    const x = beatTrain(
      fs,
      25.5,
      times.map((t, i) => ({ t, beat: times[i]! >= 10 && times[i]! < 20 ? INFANT_BEAT : CHILD_BEAT })),
      0.02,
      3,
    );
    expectExact(
      times.map((t) => Math.round(t * fs)),
      detectQrs(x, fs),
      fs,
    );
  });
  it('detects wide, tall premature ventricular beats (bigeminy) and the small sinus beats between them', () => {
    const pvc: GaussianBeat = {
      p: null,
      q: null,
      r: { amp: 2.5, mu: 0, sigma: 0.03 },
      s: { amp: -1, mu: 0.07, sigma: 0.03 },
      t: { amp: -0.6, mu: 0.3, sigma: 0.05 },
    };
    const beats: Array<{ t: number; beat: GaussianBeat }> = [];
    let t = 0.5;
    for (let k = 0; k < 40; k++) {
      beats.push({ t, beat: k % 2 ? pvc : { ...CHILD_BEAT, r: { ...CHILD_BEAT.r, amp: 0.6 } } });
      t += k % 2 ? 1.0 : 0.55;
    }
    const x = beatTrain(fs, t + 0.5, beats, 0.02, 4);
    expectExact(
      beats.map((b) => Math.round(b.t * fs)),
      detectQrs(x, fs),
      fs,
    );
  });
  it('finds paced beats (pacing spike before each QRS) without counting the spike separately', () => {
    const paced: GaussianBeat = {
      p: { amp: 4, mu: -0.03, sigma: 0.0012 },
      q: null,
      r: { amp: 1.2, mu: 0, sigma: 0.025 },
      s: { amp: -0.6, mu: 0.06, sigma: 0.02 },
      t: { amp: -0.4, mu: 0.3, sigma: 0.05 },
    };
    const times = Array.from({ length: 30 }, (_, k) => 0.5 + k * 0.857);
    const x = beatTrain(
      fs,
      27,
      times.map((t) => ({ t, beat: paced })),
      0.02,
      5,
    );
    const m = matchBeats(
      times.map((t) => Math.round(t * fs)),
      detectQrs(x, fs),
      fs,
    );
    expect({ fn: m.fn, fp: m.fp }).toEqual({ fn: 0, fp: 0 });
  });
  it('keeps detecting through a stretch of strong muscle noise in one lead when given two leads', () => {
    const { ecg, rPeaks } = gaussianEcg(CHILD_BEAT, {
      fs,
      hrBpm: 80,
      seconds: 60,
      noise: 0.02,
      seed: 6,
      leads: [
        { name: 'II', p: 1, qrs: 1, t: 1 },
        { name: 'V1', p: 0.5, qrs: -0.8, t: -0.3 },
      ],
    });
    const rng = new Rng(7);
    const noisy = ecg.signals[1]!;
    for (let i = 20 * fs; i < 35 * fs; i++) noisy[i]! += rng.normal(0, 0.4);
    const m = matchBeats(rPeaks, detectQrsMultiLead(ecg.signals, fs), fs);
    expect(m.fn + m.fp).toBeLessThanOrEqual(2);
  });
  it('finds nothing in a flat line, at zero or at a constant offset', () => {
    expect(detectQrs(new Float64Array(3600), fs).length).toBe(0);
    expect(detectQrs(new Float64Array(3600).fill(1.3), fs).length).toBe(0);
    expect(detectQrsMultiLead([new Float64Array(3600), new Float64Array(3600)], fs).length).toBe(0);
  });
});

describe('detectQrs on bad input', () => {
  it('rejects fs = 0', () => expect(() => detectQrs(new Float64Array(100), 0)).toThrow(/sampling rate/));
  it('rejects a sampling rate too low for its QRS band', () =>
    expect(() => detectQrs(new Float64Array(100), 10)).toThrow(/at least 25 Hz/));
  it('rejects an empty signal', () => expect(() => detectQrs(new Float64Array(0), 360)).toThrow(/empty/));
  it('rejects NaN samples, naming the sample', () =>
    expect(() => detectQrs(Float64Array.of(0, 1, NaN, 2), 360)).toThrow(/sample 2/));
  it('rejects leads of different lengths', () =>
    expect(() => detectQrsMultiLead([new Float64Array(10), new Float64Array(11)], 360)).toThrow(
      /lead 1 has 11 samples/,
    ));
});

describe('matchBeats (EC57 beat-by-beat comparison)', () => {
  it('counts hand-worked matches within 150 ms at 360 Hz, one detection per beat', () => {
    // references at 1000, 1300, 1600; detections 1040 (match), 1310 and 1320 (one match, one extra), 2000 (extra)
    expect(matchBeats([1000, 1300, 1600], [1040, 1310, 1320, 2000], 360)).toEqual({ tp: 2, fn: 1, fp: 2 });
  });
  it('does not count detections inside excluded (ventricular flutter) episodes as false positives', () => {
    expect(matchBeats([100], [100, 500, 600], 360, { excluded: [[450, 700]] })).toEqual({ tp: 1, fn: 0, fp: 0 });
  });
});
