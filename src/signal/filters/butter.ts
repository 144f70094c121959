import { FewbeatError } from '../../errors.js';
import { polyFromRoots } from './poly.js';
import type { Sos, TransferFunction } from './sos.js';
import {
  type Zpk,
  bilinear,
  butterworthPrototype,
  lowpassToBandpass,
  lowpassToBandstop,
  lowpassToHighpass,
  lowpassToLowpass,
} from './zpk.js';
import { zpkToSos } from './zpk-to-sos.js';

/** Which band a Butterworth filter passes. */
export type FilterBand = 'lowpass' | 'highpass' | 'bandpass' | 'bandstop';

export interface ButterOptions {
  /** Filter order N (≥ 1); band-pass and band-stop designs have 2N poles. */
  order: number;
  /** Cutoff in Hz: one value for low/high-pass, `[low, high]` for band-pass/stop. */
  cutoffHz: number | readonly [number, number];
  band: FilterBand;
  /** Sampling rate in Hz. */
  fs: number;
}

/**
 * Digital Butterworth filter (Butterworth 1930) as zeros, poles and gain, designed as
 * `scipy.signal.butter`: analog prototype, frequency pre-warping ω = 4·tan(π·f/fs) (the bilinear
 * transform at fs = 2 on the normalised frequency 2f/fs), band transformation, bilinear transform.
 */
export function butterZpk(opts: ButterOptions): Zpk {
  const { order, band, fs } = opts;
  if (!Number.isInteger(order) || order < 1)
    throw new FewbeatError(`butter: order must be a positive integer, got ${order}`);
  if (!(fs > 0) || !Number.isFinite(fs)) throw new FewbeatError(`butter: sampling rate must be positive, got ${fs}`);
  const cutoffs = typeof opts.cutoffHz === 'number' ? [opts.cutoffHz] : [...opts.cutoffHz];
  const wanted = band === 'lowpass' || band === 'highpass' ? 1 : 2;
  if (cutoffs.length !== wanted)
    throw new FewbeatError(`butter: a ${band} filter needs ${wanted} cutoff frequencies, got ${cutoffs.length}`);
  for (const f of cutoffs) {
    if (!(f > 0 && f < fs / 2))
      throw new FewbeatError(`butter: cutoff ${f} Hz must lie strictly between 0 and Nyquist (${fs / 2} Hz)`);
  }
  if (wanted === 2 && !(cutoffs[0]! < cutoffs[1]!))
    throw new FewbeatError(`butter: band edges must be increasing, got ${cutoffs.join(', ')}`);
  const warped = cutoffs.map((f) => 4 * Math.tan((Math.PI * ((2 * f) / fs)) / 2));
  const prototype = butterworthPrototype(order);
  let analog: Zpk;
  if (band === 'lowpass') analog = lowpassToLowpass(prototype, warped[0]!);
  else if (band === 'highpass') analog = lowpassToHighpass(prototype, warped[0]!);
  else {
    const bw = warped[1]! - warped[0]!;
    const wo = Math.sqrt(warped[0]! * warped[1]!);
    analog = band === 'bandpass' ? lowpassToBandpass(prototype, wo, bw) : lowpassToBandstop(prototype, wo, bw);
  }
  return bilinear(analog, 2);
}

/** Butterworth filter as second-order sections (`butter(..., output='sos')`). */
export function butter(opts: ButterOptions): Sos {
  return zpkToSos(butterZpk(opts));
}

/** Butterworth filter as a transfer function (`butter(..., output='ba')`); prefer `butter` above order ~4. */
export function butterBa(opts: ButterOptions): TransferFunction {
  const f = butterZpk(opts);
  const b = polyFromRoots(f.z).map((v) => v * f.k);
  return { b, a: polyFromRoots(f.p) };
}
