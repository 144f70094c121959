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
  const feature = qrsFeature(x, fs, opts);
  return refineToRPeaks([feature.filtered], decideQrs(feature, fs, opts), fs);
}
