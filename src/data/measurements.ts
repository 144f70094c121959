import { isFewbeatError } from '../errors.js';
import type { Ecg } from '../io/ecg.js';
import { measureEcg, type Measurement } from '../signal/measure-ecg.js';
import { defaultNormTable } from '../signal/norms/default-norms.js';

/** Names of the ECG measurements a recording carries beside its waveform, in vector order. */
export const MEASUREMENT_FEATURES = ['z_hr', 'z_pr', 'z_qrs', 'z_qtc', 'rr_cv', 'rr_rmssd_over_mean', 'rr_turning_point_ratio'] as const;

/** One recording's measurement values in {@link MEASUREMENT_FEATURES} order; null = not measurable. */
export type MeasurementValues = ReadonlyArray<number | null>;

/** The feature values of one measurement (all null without one). */
export function measurementValues(m: Measurement | null): Array<number | null> {
  if (!m) return MEASUREMENT_FEATURES.map(() => null);
  const finite = (v: number | null | undefined): number | null => (v === null || v === undefined || !Number.isFinite(v) ? null : v);
  return [
    finite(m.z.hr), finite(m.z.pr), finite(m.z.qrs), finite(m.z.qtc),
    finite(m.rr.cv), finite(m.rr.rmssd_ms / m.rr.mean_ms), finite(m.rr.tpr),
  ];
}

/**
 * The clinician's measurements of a raw recording, read against the child's age and sex: heart
 * rate, PR, QRS and QTc as z-scores of the age/sex norms (Rijnbeek et al., Eur Heart J 2001) and
 * RR irregularity (coefficient of variation, RMSSD/mean, turning-point ratio). A recording the
 * signal layer cannot measure gives all nulls (no error: the waveform may still be usable).
 */
export function measureRecording(ecg: Ecg, context: { ageYears: number | null; sex: 'M' | 'F' | null }): Array<number | null> {
  try {
    return measurementValues(measureEcg(ecg, { ageYears: context.ageYears ?? undefined, sex: context.sex ?? undefined, norms: defaultNormTable() }));
  } catch (err) {
    if (!isFewbeatError(err)) throw err;
    return measurementValues(null);
  }
}
