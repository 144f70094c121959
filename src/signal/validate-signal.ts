import { FewbeatError } from '../errors.js';

/** Where a signal came from, for error messages (`file`, and `lead II` style location). */
export interface SignalOrigin {
  file?: string | undefined;
  location?: string | undefined;
}

/**
 * Reject input no signal function can give a meaningful answer for: a sampling rate that is not a
 * positive finite number, an empty signal, or non-finite samples (NaN marks invalid samples in an
 * `Ecg`; interpolate or drop them before processing). Throws a one-line `FewbeatError`.
 */
export function validateSignal(x: Float64Array, fs: number, origin: SignalOrigin = {}, what = 'signal'): void {
  const where = { file: origin.file, location: origin.location };
  if (!Number.isFinite(fs) || fs <= 0)
    throw new FewbeatError(`${what}: sampling rate must be a positive number of Hz, got ${fs}`, where);
  if (x.length === 0) throw new FewbeatError(`${what}: the signal is empty`, where);
  for (let i = 0; i < x.length; i++) {
    if (!Number.isFinite(x[i]!)) {
      throw new FewbeatError(
        `${what}: sample ${i} (t = ${(i / fs).toFixed(3)} s) is ${x[i]}; replace invalid samples before processing`,
        where,
      );
    }
  }
}
