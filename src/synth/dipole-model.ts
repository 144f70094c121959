import type { Vec3 } from './lead-projection.js';

/**
 * One wave event of the heart's electrical activity: an asymmetric Gaussian in time carried by a
 * fixed 3-D dipole direction,
 *
 *     d(t) = a · exp(−(t − c)² / (2 σ²)),   σ = σ_before for t < c, σ_after for t ≥ c.
 *
 * This is the kernel of ECGSYN (McSharry PE, Clifford GD, Tarassenko L, Smith LA, "A dynamical model
 * for generating synthetic electrocardiogram signals", IEEE TBME 2003;50:289-294) in its
 * vectorcardiographic form (Sameni R, Clifford GD, Jutten C, Shamsollahi MB, "Multichannel ECG and
 * noise modeling: application to maternal and fetal ECG signals", EURASIP J Adv Signal Process 2007),
 * where each P, Q, R, S, T event is a Gaussian on each dipole axis. ECGSYN integrates
 * ż = −Σ aᵢ Δθᵢ exp(−Δθᵢ²/2bᵢ²) over the cardiac phase θ; its solution within a beat is the sum of the
 * Gaussians, which is evaluated here in closed form in time. Timing each event separately (instead of
 * on one phase circle) lets atria and ventricles run on their own clocks, as AV block and AV
 * dissociation require. Asymmetric widths give the slow upstroke and faster downstroke of the
 * T wave and the sawtooth of atrial flutter.
 */
export interface WaveKernel {
  /** Peak time, seconds from the start of the record. */
  readonly centre: number;
  /** Width before the peak, seconds. */
  readonly sigmaBefore: number;
  /** Width after the peak, seconds. */
  readonly sigmaAfter: number;
  /** Dipole at the peak, mV (Frank x, y, z). */
  readonly amplitude: Vec3;
}

/** The heart's dipole sampled at `fs`: three channels (Frank x, y, z), mV. */
export interface Dipole {
  readonly x: Float64Array;
  readonly y: Float64Array;
  readonly z: Float64Array;
}

/** Kernels are evaluated within ±CUTOFF σ of their peak (exp(−4.5²/2) ≈ 4·10⁻⁵ of the peak). */
const CUTOFF = 4.5;

/** Sum the kernels into a dipole of `nSamples` samples at `fs` Hz. */
export function renderDipole(kernels: readonly WaveKernel[], fs: number, nSamples: number): Dipole {
  const x = new Float64Array(nSamples);
  const y = new Float64Array(nSamples);
  const z = new Float64Array(nSamples);
  for (const k of kernels) {
    const first = Math.max(0, Math.ceil((k.centre - CUTOFF * k.sigmaBefore) * fs));
    const last = Math.min(nSamples - 1, Math.floor((k.centre + CUTOFF * k.sigmaAfter) * fs));
    const [ax, ay, az] = k.amplitude;
    const inv2b = 1 / (2 * k.sigmaBefore * k.sigmaBefore);
    const inv2a = 1 / (2 * k.sigmaAfter * k.sigmaAfter);
    for (let i = first; i <= last; i++) {
      const dt = i / fs - k.centre;
      const g = Math.exp(-dt * dt * (dt < 0 ? inv2b : inv2a));
      x[i] = (x[i] as number) + ax * g;
      y[i] = (y[i] as number) + ay * g;
      z[i] = (z[i] as number) + az * g;
    }
  }
  return { x, y, z };
}
