import { describe, expect, it } from 'vitest';
import type { Ecg } from '../io/ecg.js';
import { preprocessEcg, type PreprocessSpec } from './preprocess.js';

const spec: PreprocessSpec = {
  fs: 250,
  samples: 2000,
  leads: ['I', 'II', 'V1'],
  bandpassHz: [0.5, 40],
  filterOrder: 2,
};

/** 10 s at 500 Hz: lead "MLII" = 5 Hz sine + 3 mV offset + slow 0.05 Hz drift; lead V1 flat. */
function ecg(): Ecg {
  const fs = 500;
  const n = 5000;
  const ml = new Float64Array(n);
  for (let i = 0; i < n; i++)
    ml[i] = Math.sin((2 * Math.PI * 5 * i) / fs) + 3 + 2 * Math.sin((2 * Math.PI * 0.05 * i) / fs);
  return { fs, leads: ['MLII', 'V1'], signals: [ml, new Float64Array(n)], units: ['mV', 'mV'], source: 'x.hea' };
}

describe('preprocessEcg', () => {
  it('resamples, band-passes, standardises and crops a lead to the model layout', () => {
    const { signal, mask } = preprocessEcg(ecg(), spec);
    expect(signal).toHaveLength(2000 * 3);
    expect(Array.from(mask)).toEqual([0, 1, 0]); // MLII -> II; V1 flat = unusable
    const lead = Array.from({ length: 2000 }, (_, t) => signal[t * 3 + 1] as number);
    // The centre crop of the filtered signal is dominated by the 5 Hz sine: it correlates with it.
    const sine = lead.map((_, t) => Math.sin((2 * Math.PI * 5 * (t + 250)) / 250));
    const dot = lead.reduce((s, v, t) => s + v * (sine[t] as number), 0);
    const norm = Math.sqrt(lead.reduce((s, v) => s + v * v, 0) * sine.reduce((s, v) => s + v * v, 0));
    expect(Math.abs(dot / norm)).toBeGreaterThan(0.98);
    // Offset and drift are gone; standardised over the whole filtered record, so the crop is near 0 mean, unit sd.
    expect(Math.abs(lead.reduce((a, b) => a + b) / lead.length)).toBeLessThan(0.05);
    for (let t = 0; t < 2000; t++) expect(signal[t * 3]).toBe(0);
  });

  it('zero-pads a short recording at the end', () => {
    const short = ecg();
    short.signals = short.signals.map((s) => s.slice(0, 2000)); // 4 s -> 1000 samples at 250 Hz
    const { signal } = preprocessEcg(short, spec);
    expect(signal[999 * 3 + 1]).not.toBe(0);
    expect(signal[1500 * 3 + 1]).toBe(0);
  });

  it('interpolates over NaN samples instead of spreading them', () => {
    const gappy = ecg();
    (gappy.signals[0] as Float64Array).fill(NaN, 1000, 1100);
    const { signal } = preprocessEcg(gappy, spec);
    expect(signal.every(Number.isFinite)).toBe(true);
  });

  it('says which file has no usable lead and which leads it had', () => {
    const other: Ecg = { ...ecg(), leads: ['V5', 'V6'] };
    expect(() => preprocessEcg(other, spec)).toThrow(
      "x.hea: none of the model's leads (I, II, V1) is usable; the recording has V5, V6",
    );
  });

  it('rejects a recording shorter than one period of the high-pass cutoff', () => {
    const tiny = ecg();
    tiny.signals = tiny.signals.map((s) => s.slice(0, 100));
    expect(() => preprocessEcg(tiny, spec)).toThrow('x.hea: lead II has 100 samples');
  });

  it('refuses, naming the file, a sampling rate no ECG has: below 50 Hz, zero, NaN', () => {
    for (const fs of [20, 0, NaN])
      expect(() => preprocessEcg({ ...ecg(), fs }, spec)).toThrow(
        `x.hea: sampling rate ${fs} Hz is below the 50 Hz an ECG needs (is this an ECG?)`,
      );
    expect(() => preprocessEcg({ ...ecg(), fs: 50 }, spec)).not.toThrow();
  });
});
