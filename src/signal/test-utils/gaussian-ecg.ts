import type { Ecg } from '../../io/ecg.js';
import { Rng } from '../../util/rng.js';

/** One Gaussian wave: amplitude (mV), centre relative to the R peak (s), width σ (s). */
export interface Wave {
  amp: number;
  mu: number;
  sigma: number;
}

/** Test helper: a beat as a sum of Gaussian P, Q, R, S, T waves with known boundaries. */
export interface GaussianBeat {
  p: Wave | null;
  q: Wave | null;
  r: Wave;
  s: Wave | null;
  t: Wave;
}

/**
 * The reference intervals of a Gaussian beat, with wave boundaries at centre ± 3σ (where a wave
 * has fallen to 1.1 % of its peak): PR = QRS onset − P onset, QRS = offset − onset,
 * QT = T end − QRS onset, all in ms.
 */
export function trueIntervals(b: GaussianBeat): { pr: number | null; qrs: number; qt: number } {
  const qrsWaves = [b.q, b.r, b.s].filter((w): w is Wave => w !== null);
  const onset = Math.min(...qrsWaves.map((w) => w.mu - 3 * w.sigma));
  const offset = Math.max(...qrsWaves.map((w) => w.mu + 3 * w.sigma));
  const tEnd = b.t.mu + 3 * b.t.sigma;
  return {
    pr: b.p ? 1000 * (onset - (b.p.mu - 3 * b.p.sigma)) : null,
    qrs: 1000 * (offset - onset),
    qt: 1000 * (tEnd - onset),
  };
}

/** A typical child's beat (about 8 years): PR ≈ 137 ms, QRS ≈ 84 ms, QT ≈ 356 ms. */
export const CHILD_BEAT: GaussianBeat = {
  p: { amp: 0.15, mu: -0.14, sigma: 0.012 },
  q: { amp: -0.1, mu: -0.02, sigma: 0.006 },
  r: { amp: 1.2, mu: 0, sigma: 0.008 },
  s: { amp: -0.3, mu: 0.022, sigma: 0.007 },
  t: { amp: 0.3, mu: 0.22, sigma: 0.035 },
};

export interface GaussianEcgOptions {
  fs?: number;
  seconds?: number;
  hrBpm?: number;
  /** Per-lead gains for P, QRS and T (sign flips and scales); default one lead of gain 1. */
  leads?: Array<{ name: string; p: number; qrs: number; t: number }>;
  /** White noise σ in mV. */
  noise?: number;
  seed?: number;
}

/** A regular ECG made of `beat` repeated at `hrBpm`, first R peak at 0.5 s. */
export function gaussianEcg(beat: GaussianBeat, opts: GaussianEcgOptions = {}): { ecg: Ecg; rPeaks: number[] } {
  const fs = opts.fs ?? 500;
  const n = Math.round((opts.seconds ?? 10) * fs);
  const rr = 60 / (opts.hrBpm ?? 75);
  const leads = opts.leads ?? [{ name: 'II', p: 1, qrs: 1, t: 1 }];
  const rng = new Rng(opts.seed ?? 1);
  const rTimes: number[] = [];
  for (let t = 0.5; t < n / fs; t += rr) rTimes.push(t);
  const signals = leads.map((lead) => {
    const x = new Float64Array(n);
    const add = (w: Wave | null, gain: number, r: number): void => {
      if (!w) return;
      const c = r + w.mu;
      const lo = Math.max(0, Math.floor((c - 5 * w.sigma) * fs));
      const hi = Math.min(n - 1, Math.ceil((c + 5 * w.sigma) * fs));
      for (let i = lo; i <= hi; i++) x[i]! += gain * w.amp * Math.exp(-((i / fs - c) ** 2) / (2 * w.sigma ** 2));
    };
    for (const r of rTimes) {
      add(beat.p, lead.p, r);
      add(beat.q, lead.qrs, r);
      add(beat.r, lead.qrs, r);
      add(beat.s, lead.qrs, r);
      add(beat.t, lead.t, r);
    }
    if (opts.noise) for (let i = 0; i < n; i++) x[i]! += rng.normal(0, opts.noise);
    return x;
  });
  return {
    ecg: { fs, leads: leads.map((l) => l.name), signals, units: leads.map(() => 'mV'), source: 'synthetic' },
    rPeaks: rTimes.map((t) => Math.round(t * fs)),
  };
}
