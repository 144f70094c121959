import { Rng } from '../util/rng.js';

/**
 * ECG augmentations for contrastive and consistency training, in plain TypeScript over one
 * preprocessed recording laid out time-major, `x[t * leads + l]` (the `[T, L]` slice of the model's
 * `[B, T, L]` input), already standardised per lead (unit variance), so noise levels are relative.
 *
 * Each is a small, label-preserving perturbation (Iwana & Uchida, PLOS ONE 2021; CLOCS, Kiyasseh
 * et al. 2021). Every function returns a new array and leaves its input untouched.
 */

/** Strengths of the augmentations; 0 (or probability 0) switches one off. */
export interface AugmentOptions {
  /** Per-lead gain drawn uniformly in [1 − s, 1 + s]. @default 0.2 */
  amplitudeScale: number;
  /** Circular time shift up to this fraction of the length, either direction. @default 0.1 */
  timeShift: number;
  /** Standard deviation of white Gaussian noise. @default 0.05 */
  gaussianNoise: number;
  /** Standard deviation of EMG-like noise (high-pass, bursty). @default 0.05 */
  emgNoise: number;
  /** Amplitude of a slow sinusoidal baseline wander (one to three cycles over the window). @default 0.2 */
  baselineWander: number;
  /** Probability of zeroing each present lead (at least one lead always survives). @default 0.1 */
  leadDropout: number;
  /** Maximal relative time-warp amplitude (smooth, monotone). @default 0.05 */
  timeWarp: number;
}

export const DEFAULT_AUGMENT: AugmentOptions = {
  amplitudeScale: 0.2,
  timeShift: 0.1,
  gaussianNoise: 0.05,
  emgNoise: 0.05,
  baselineWander: 0.2,
  leadDropout: 0.1,
  timeWarp: 0.05,
};

/** Multiply each lead by its own gain in [1 − s, 1 + s]. */
export function scaleAmplitude(x: Float32Array, leads: number, s: number, rng: Rng): Float32Array {
  const gains = Array.from({ length: leads }, () => rng.uniform(1 - s, 1 + s));
  return x.map((v, i) => v * (gains[i % leads] as number));
}

/** Circular shift by `shift` samples (positive = later), all leads together. */
export function shiftTime(x: Float32Array, leads: number, shift: number): Float32Array {
  const T = x.length / leads;
  const out = new Float32Array(x.length);
  const s = ((Math.round(shift) % T) + T) % T;
  for (let t = 0; t < T; t++) out.set(x.subarray(t * leads, (t + 1) * leads), ((t + s) % T) * leads);
  return out;
}

/** Add white Gaussian noise of standard deviation `sd`. */
export function addGaussianNoise(x: Float32Array, sd: number, rng: Rng): Float32Array {
  return x.map((v) => v + rng.normal(0, sd));
}

/**
 * EMG-like noise: white noise, first-differenced (a high-pass, as muscle noise sits above ~20 Hz),
 * amplitude-modulated by a random burst envelope, per lead; RMS ≈ `sd` inside bursts.
 */
export function addEmgNoise(x: Float32Array, leads: number, sd: number, rng: Rng): Float32Array {
  const T = x.length / leads;
  const out = Float32Array.from(x);
  for (let l = 0; l < leads; l++) {
    const start = rng.int(0, T - 1);
    const length = rng.int(Math.floor(T / 4), T);
    let prev = rng.normal();
    for (let t = 0; t < T; t++) {
      const w = rng.normal();
      const inBurst = (t - start + T) % T < length;
      if (inBurst) out[t * leads + l] = (out[t * leads + l] as number) + (sd * (w - prev)) / Math.SQRT2;
      prev = w;
    }
  }
  return out;
}

/** Add a slow sinusoid (one to three cycles over the window), the same on every lead up to a gain. */
export function addBaselineWander(x: Float32Array, leads: number, amplitude: number, rng: Rng): Float32Array {
  const T = x.length / leads;
  const cycles = rng.uniform(1, 3);
  const phase = rng.uniform(0, 2 * Math.PI);
  const gains = Array.from({ length: leads }, () => amplitude * rng.uniform(0.5, 1));
  const out = new Float32Array(x.length);
  for (let t = 0; t < T; t++) {
    const b = Math.sin((2 * Math.PI * cycles * t) / T + phase);
    for (let l = 0; l < leads; l++) out[t * leads + l] = (x[t * leads + l] as number) + (gains[l] as number) * b;
  }
  return out;
}

/** Positions of the recorded leads (mask 1). */
function presentLeads(mask: Float32Array): number[] {
  return [...mask.keys()].filter((l) => mask[l] === 1);
}

/**
 * Zero each present lead with probability `p` and return the new signal and lead mask; at least
 * one present lead survives. `mask[l]` is 1 for a recorded lead, 0 for a missing one.
 */
export function dropLeads(
  x: Float32Array,
  mask: Float32Array,
  p: number,
  rng: Rng,
): { signal: Float32Array; mask: Float32Array } {
  const leads = mask.length;
  const present = presentLeads(mask);
  const drop = new Set(present.filter(() => rng.bernoulli(p)));
  if (drop.size === present.length && present.length > 0) drop.delete(rng.pick(present));
  const outMask = mask.map((m, l) => (drop.has(l) ? 0 : m));
  const signal = x.map((v, i) => (drop.has(i % leads) ? 0 : v));
  return { signal, mask: outMask };
}

/**
 * Sizes of the lead subsets a training recording is seen through: one lead (a wrist or hand-held
 * wearable, a monitor), two (a Holter), three (a 3-lead Holter), six (a cart's limb leads).
 */
export const LEAD_SUBSET_SIZES = [1, 2, 3, 6] as const;

/**
 * The recording as a device with fewer leads would have given it: a subset of its present leads, of a
 * size drawn uniformly from {@link LEAD_SUBSET_SIZES} (capped at the leads present), the others zeroed
 * and masked; each kept lead's polarity is reversed with probability `flip` (a reversed electrode, a
 * wearable held the other way round). The input is standardised per lead, so a lead kept alone looks
 * exactly as preprocessing a recording of that lead alone makes it.
 */
export function restrictToRandomLeads(
  x: Float32Array,
  mask: Float32Array,
  flip: number,
  rng: Rng,
): { signal: Float32Array; mask: Float32Array } {
  const leads = mask.length;
  const present = presentLeads(mask);
  const size = Math.min(present.length, rng.pick(LEAD_SUBSET_SIZES));
  const kept = new Set(rng.shuffle(present).slice(0, size));
  const sign = Array.from({ length: leads }, (_v, l) => (kept.has(l) ? (rng.bernoulli(flip) ? -1 : 1) : 0));
  return {
    signal: x.map((v, i) => v * (sign[i % leads] as number)),
    mask: mask.map((m, l) => (kept.has(l) ? m : 0)),
  };
}

/**
 * Mild time warp: read the signal at τ(t) = t + A·[sin(2π k t/T + φ) − sin φ] with A = w·T/(2π k),
 * k ∈ {1, 2}, by linear interpolation. dτ/dt = 1 + w·cos(·) stays in [1 − w, 1 + w], so the warp is
 * monotone for w < 1 and local rates change by at most ±w.
 */
export function warpTime(x: Float32Array, leads: number, w: number, rng: Rng): Float32Array {
  const T = x.length / leads;
  const k = rng.int(1, 2);
  const phase = rng.uniform(0, 2 * Math.PI);
  const A = (w * T) / (2 * Math.PI * k);
  const out = new Float32Array(x.length);
  for (let t = 0; t < T; t++) {
    const tau = Math.min(T - 1, Math.max(0, t + A * (Math.sin((2 * Math.PI * k * t) / T + phase) - Math.sin(phase))));
    const i0 = Math.floor(tau);
    const i1 = Math.min(T - 1, i0 + 1);
    const f = tau - i0;
    for (let l = 0; l < leads; l++)
      out[t * leads + l] = (1 - f) * (x[i0 * leads + l] as number) + f * (x[i1 * leads + l] as number);
  }
  return out;
}

/** Apply every augmentation in turn (each skipped when its strength is 0). */
export function augmentEcg(
  signal: Float32Array,
  mask: Float32Array,
  rng: Rng,
  options: AugmentOptions = DEFAULT_AUGMENT,
): { signal: Float32Array; mask: Float32Array } {
  const L = mask.length;
  const T = signal.length / L;
  let x = signal;
  if (options.amplitudeScale > 0) x = scaleAmplitude(x, L, options.amplitudeScale, rng);
  if (options.timeWarp > 0) x = warpTime(x, L, options.timeWarp, rng);
  if (options.timeShift > 0) x = shiftTime(x, L, rng.uniform(-options.timeShift, options.timeShift) * T);
  if (options.baselineWander > 0) x = addBaselineWander(x, L, options.baselineWander, rng);
  if (options.gaussianNoise > 0) x = addGaussianNoise(x, options.gaussianNoise, rng);
  if (options.emgNoise > 0) x = addEmgNoise(x, L, options.emgNoise, rng);
  let m = mask;
  if (options.leadDropout > 0) ({ signal: x, mask: m } = dropLeads(x, mask, options.leadDropout, rng));
  // Leads that were never recorded stay exactly zero.
  x = x.map((v, i) => (m[i % L] === 0 ? 0 : v));
  return { signal: x, mask: m };
}
