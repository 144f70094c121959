import { isFewbeatError } from '../errors.js';
import type { Ecg } from '../io/ecg.js';
import { type AtrialActivity, estimateAtrialActivity } from '../signal/atrial-activity.js';
import { measureEcg, type Measurement } from '../signal/measure-ecg.js';
import { defaultNormTable } from '../signal/norms/default-norms.js';

/** The measurements of the first models, in vector order: prototype spaces saved without feature names use these. */
export const ORIGINAL_MEASUREMENT_FEATURES = [
  'z_hr',
  'z_pr',
  'z_qrs',
  'z_qtc',
  'rr_cv',
  'rr_rmssd_over_mean',
  'rr_turning_point_ratio',
] as const;

/**
 * Names of the ECG measurements a recording carries beside its waveform, in vector order: the
 * original ones, then the atrial activity (`estimateAtrialActivity`): atrial rate (per min), the
 * spectral concentration of the atrial peak, the atrial/ventricular rate ratio, and how much slower
 * than the ventricles the atrial activity not locked to the QRS beats, log₂ min(1, unlocked rate /
 * ventricular rate): negative in AV dissociation with a slower atrium (JET, VT), 0 otherwise. Clamped
 * at 0 because above it the value is mostly the noise peak of a residual with nothing dissociated
 * (whose spread cost 0.003 on base-class validation and on a held-out-class check); on a log scale
 * because it is a ratio. Then pNN50, the share of successive RR differences above 50 ms (Mietus et al.,
 * Heart 88:378, 2002), the RR-irregularity feature that tells atrial fibrillation from sinus rhythm on one
 * lead best of the RR features on the real development records. Then the P-wave repeatability
 * (`pWaveRepeatability`): whether the same atrial wave precedes every QRS, the other half of the textbook AF
 * criterion, and what tells a junctional or dissociated rhythm from one conducted from the atria. New features are
 * only ever appended, so a feature's index never changes.
 */
export const MEASUREMENT_FEATURES = [
  ...ORIGINAL_MEASUREMENT_FEATURES,
  'atrial_rate',
  'atrial_concentration',
  'atrial_ventricular_ratio',
  'dissociated_atrial_log2_ratio',
  'rr_pnn50',
  'p_wave_repeatability',
] as const;

export type MeasurementFeature = (typeof MEASUREMENT_FEATURES)[number];

/** One recording's measurement values in {@link MEASUREMENT_FEATURES} order; null = not measurable. */
export type MeasurementValues = ReadonlyArray<number | null>;

/** The feature values of one measurement and atrial-activity estimate (null where absent or not measured). */
export function measurementValues(m: Measurement | null, atrial: AtrialActivity | null = null): Array<number | null> {
  const finite = (v: number | null | undefined): number | null =>
    v === null || v === undefined || !Number.isFinite(v) ? null : v;
  const ecg = m
    ? [
        finite(m.z.hr),
        finite(m.z.pr),
        finite(m.z.qrs),
        finite(m.z.qtc),
        finite(m.rr.cv),
        finite(m.rr.rmssd_ms / m.rr.mean_ms),
        finite(m.rr.tpr),
      ]
    : ORIGINAL_MEASUREMENT_FEATURES.map(() => null);
  const unlocked = atrial?.unlockedToVentricular;
  return [
    ...ecg,
    finite(atrial?.atrialRatePerMin),
    finite(atrial?.concentration),
    finite(atrial?.atrialToVentricular),
    finite(unlocked === null || unlocked === undefined ? null : Math.log2(Math.min(1, unlocked))),
    finite(m?.rr.pnn50),
    finite(m?.p_wave_repeatability),
  ];
}

/**
 * The clinician's measurements of a raw recording, read against the child's age and sex: heart
 * rate, PR, QRS and QTc as z-scores of the age/sex norms (Rijnbeek et al., Eur Heart J 2001), RR
 * irregularity (coefficient of variation, RMSSD/mean, turning-point ratio, pNN50), P-wave repeatability and
 * atrial activity after QRST cancellation (`estimateAtrialActivity`). A recording the signal layer cannot measure
 * gives nulls (no error: the waveform may still be usable).
 */
export function measureRecording(
  ecg: Ecg,
  context: { ageYears: number | null; sex: 'M' | 'F' | null },
): Array<number | null> {
  let measurement: Measurement | null = null;
  try {
    measurement = measureEcg(ecg, {
      ageYears: context.ageYears ?? undefined,
      sex: context.sex ?? undefined,
      norms: defaultNormTable(),
    });
  } catch (err) {
    if (!isFewbeatError(err)) throw err;
  }
  return measurementValues(measurement, estimateAtrialActivity(ecg));
}
