import { FewbeatError } from '../../errors.js';
import { type SignalOrigin, validateSignal } from '../validate-signal.js';
import { type QrsDecisionOptions, decideQrs } from './qrs-decision.js';
import { type QrsFeatureOptions, qrsFeature } from './qrs-feature.js';
import { refineToRPeaks } from './refine-r-peaks.js';

/** Options of the QRS detectors: feature shaping and decision rules, all in seconds. */
export interface QrsOptions extends QrsFeatureOptions, QrsDecisionOptions {
  /** Where the signal came from, for error messages. */
  origin?: SignalOrigin;
}

/**
 * Single-lead QRS detector: returns the sample indices of the R peaks (largest deflection of each
 * complex), sorted. Works at any rate from 125 to 1000 Hz and at heart rates up to 300 bpm; see
 * `qrsFeature` (enhancement) and `decideQrs` (adaptive thresholds, rate-adaptive refractory
 * period, T-wave rule, search back). Throws a `FewbeatError` on an empty signal, NaNs or fs ≤ 0.
 */
export function detectQrs(x: Float64Array, fs: number, opts: QrsOptions = {}): Int32Array {
  validateSignal(x, fs, opts.origin, 'QRS detection');
  checkQrsRate(fs, opts.origin);
  if (isConstant(x)) return new Int32Array(0);
  const feature = qrsFeature(x, fs, opts);
  return refineToRPeaks([feature.filtered], decideQrs(feature, fs, opts), fs);
}

/** Lowest sampling rate the detector accepts: its 5–20 Hz QRS band needs fs > 2·(5 Hz)/0.45. */
export const MIN_QRS_FS = 25;

/** Throw a `FewbeatError` when fs is too low for QRS detection. */
export function checkQrsRate(fs: number, origin: SignalOrigin = {}): void {
  if (fs < MIN_QRS_FS)
    throw new FewbeatError(`QRS detection needs a sampling rate of at least ${MIN_QRS_FS} Hz, got ${fs}`, {
      file: origin.file,
      location: origin.location,
    });
}

/** True when every sample equals the first (a disconnected or zero-filled lead). */
export function isConstant(x: Float64Array): boolean {
  for (let i = 1; i < x.length; i++) if (x[i] !== x[0]) return false;
  return true;
}
