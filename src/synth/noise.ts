import type { Rng } from '../util/rng.js';
import type { ElectrodePotentials } from './electrodes.js';
import type { ChestLead } from './lead-projection.js';

/** Named noise levels; `none` leaves the signal clean. */
export const NOISE_LEVELS = ['none', 'low', 'medium', 'high'] as const;
export type NoiseLevel = (typeof NOISE_LEVELS)[number];

/**
 * Artefact magnitudes per level. Magnitudes follow the noise types of the MIT-BIH Noise Stress Test
 * Database (Moody GB, Muldrow WE, Mark RG, Computers in Cardiology 1984;11:381-384: baseline wander,
 * muscle artefact, electrode motion) and ordinary clinical recordings; children move and cry, so
 * motion and EMG are more frequent than in adult resting ECGs.
 */
interface NoiseParams {
  /** Baseline wander amplitude per electrode, mV. */
  readonly wanderMv: number;
  /** Residual mains interference per electrode, mV. */
  readonly mainsMv: number;
  /** EMG (muscle) noise RMS per electrode, mV. */
  readonly emgMv: number;
  /** Electrode-motion events per minute. */
  readonly motionPerMin: number;
  /** Electrode-motion step size, mV. */
  readonly motionMv: number;
  /** Probability that one chest electrode comes off for part of the record. */
  readonly leadOffProbability: number;
  /** SD of the log of the overall amplitude scaling (body habitus, calibration). */
  readonly gainLogSd: number;
}

const PARAMS: Readonly<Record<NoiseLevel, NoiseParams>> = {
  none: { wanderMv: 0, mainsMv: 0, emgMv: 0, motionPerMin: 0, motionMv: 0, leadOffProbability: 0, gainLogSd: 0 },
  low: { wanderMv: 0.05, mainsMv: 0.005, emgMv: 0.006, motionPerMin: 0.5, motionMv: 0.1, leadOffProbability: 0.01, gainLogSd: 0.05 },
  medium: { wanderMv: 0.15, mainsMv: 0.02, emgMv: 0.015, motionPerMin: 2, motionMv: 0.25, leadOffProbability: 0.03, gainLogSd: 0.1 },
  high: { wanderMv: 0.35, mainsMv: 0.05, emgMv: 0.04, motionPerMin: 6, motionMv: 0.6, leadOffProbability: 0.08, gainLogSd: 0.15 },
};

export interface NoiseOptions {
  readonly level: NoiseLevel;
  readonly fs: number;
  /** Mains frequency of the recording site, Hz. */
  readonly mainsHz: 50 | 60;
  /** Respiratory rate, Hz (baseline wander follows breathing). */
  readonly respRateHz: number;
}

function addInPlace(target: Float64Array, f: (i: number) => number): void {
  for (let i = 0; i < target.length; i++) target[i] = (target[i] as number) + f(i);
}

/**
 * Adds artefacts to the electrode potentials in place: amplitude scaling, baseline wander
 * (respiration plus slower drift), mains interference with its third harmonic, EMG (differenced
 * white noise, so its power lies above ≈ 20 Hz, in bursts), electrode-motion steps with exponential
 * recovery, and, rarely, a chest electrode that comes off (a flat lead). Because artefacts are added
 * per electrode, every lead derived afterwards stays consistent with the others.
 */
export function addArtefacts(e: ElectrodePotentials, options: NoiseOptions, rng: Rng): void {
  const p = PARAMS[options.level];
  if (options.level === 'none') return;
  const { fs, mainsHz, respRateHz } = options;
  const n = e.RA.length;
  const electrodes: Array<[string, Float64Array]> = [['RA', e.RA], ['LA', e.LA], ['LL', e.LL], ...[...e.chest.entries()]];
  const gain = Math.exp(rng.normal(0, p.gainLogSd));
  for (const [name, x] of electrodes) {
    const k = gain * (name.startsWith('V') ? Math.exp(rng.normal(0, p.gainLogSd / 2)) : 1);
    for (let i = 0; i < n; i++) x[i] = (x[i] as number) * k;
  }
  const respPhase = rng.uniform(0, 2 * Math.PI);
  const burstCentre = rng.uniform(0, n / fs);
  const burstWidth = rng.uniform(0.5, 3);
  const burstGain = rng.bernoulli(0.3) ? rng.uniform(2, 5) : 0;
  for (const [, x] of electrodes) {
    const wander = p.wanderMv * rng.uniform(0.3, 1);
    const slowHz = rng.uniform(0.03, 0.15);
    const slowPhase = rng.uniform(0, 2 * Math.PI);
    const mains = p.mainsMv * rng.uniform(0.2, 1);
    const mainsPhase = rng.uniform(0, 2 * Math.PI);
    const w = 2 * Math.PI / fs;
    let previous = 0;
    addInPlace(x, (i) => {
      const white = (rng.next() + rng.next() + rng.next() - 1.5) * 2;
      const emg = (white - previous) * p.emgMv * (1 + burstGain * Math.exp(-(((i / fs - burstCentre) / burstWidth) ** 2)));
      previous = white;
      return wander * (0.6 * Math.sin(w * respRateHz * i + respPhase) + 0.6 * Math.sin(w * slowHz * i + slowPhase))
        + mains * (Math.sin(w * mainsHz * i + mainsPhase) + 0.2 * Math.sin(3 * w * mainsHz * i + mainsPhase))
        + emg;
    });
  }
  const durationMin = n / fs / 60;
  const motionEvents = Math.round(p.motionPerMin * durationMin + rng.normal(0, Math.sqrt(p.motionPerMin * durationMin)));
  for (let m = 0; m < motionEvents; m++) {
    const [, x] = rng.pick(electrodes);
    const start = rng.int(0, n - 1);
    const step = rng.normal(0, p.motionMv);
    const tau = rng.uniform(0.2, 1) * fs;
    for (let i = start; i < n; i++) x[i] = (x[i] as number) + step * Math.exp(-(i - start) / tau);
  }
  if (e.chest.size > 0 && rng.bernoulli(p.leadOffProbability)) {
    const lead = rng.pick([...e.chest.keys()]) as ChestLead;
    const x = e.chest.get(lead) as Float64Array;
    const from = rng.int(0, Math.floor(n / 2));
    const to = Math.min(n, from + rng.int(Math.floor(n / 5), n));
    // A disconnected electrode floats at the central terminal: its lead reads a flat line.
    for (let i = from; i < to; i++) x[i] = ((e.RA[i] as number) + (e.LA[i] as number) + (e.LL[i] as number)) / 3;
  }
}
