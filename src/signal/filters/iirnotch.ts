import { FewbeatError } from '../../errors.js';
import type { TransferFunction } from './sos.js';

export interface NotchOptions {
  /** Frequency to remove, in Hz (mains: 50 or 60). */
  f0: number;
  /** Quality factor f0 / (−3 dB bandwidth). @default 30 */
  q?: number;
  /** Sampling rate in Hz. */
  fs: number;
}

/**
 * Second-order IIR notch, as `scipy.signal.iirnotch` (Sophocles Orfanidis, *Introduction to Signal
 * Processing*, 1996, §11.3): with ω0 = 2π·f0/fs, bandwidth Δω = ω0/Q, β = tan(Δω/2) and
 * g = 1/(1 + β): b = g·[1, −2cos ω0, 1], a = [1, −2g·cos ω0, 2g − 1].
 */
export function iirnotch(opts: NotchOptions): TransferFunction {
  const { f0, fs } = opts;
  const q = opts.q ?? 30;
  if (!(fs > 0)) throw new FewbeatError(`iirnotch: sampling rate must be positive, got ${fs}`);
  if (!(f0 > 0 && f0 < fs / 2))
    throw new FewbeatError(`iirnotch: frequency ${f0} Hz must lie strictly between 0 and Nyquist (${fs / 2} Hz)`);
  if (!(q > 0)) throw new FewbeatError(`iirnotch: quality factor must be positive, got ${q}`);
  const w0 = (2 * f0) / fs;
  const bw = (w0 / q) * Math.PI;
  const beta = Math.tan(bw / 2);
  const gain = 1 / (1 + beta);
  const c = Math.cos(w0 * Math.PI);
  return { b: Float64Array.of(gain, -2 * c * gain, gain), a: Float64Array.of(1, -2 * gain * c, 2 * gain - 1) };
}
