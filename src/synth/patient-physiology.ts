import type { Rng } from '../util/rng.js';
import { RESPIRATORY_RATE_PER_MIN, valueAtAge } from './age-curves.js';
import { drawFromNorm, normsFor, type Sex } from './age-norms.js';
import { drawMorphology, type Morphology } from './beat-morphology.js';
import type { ClassId } from './classes.js';

/**
 * A child's persistent cardiac physiology: baseline sinus rate and intervals drawn from the
 * age- and sex-specific norms (Rijnbeek et al. 2001), shifted by the arrhythmia class where the
 * class is defined by an interval (tachycardia, bradycardia, first-degree block, long QT,
 * pre-excitation), plus heart-rate variability and the wave morphology.
 */
export interface PatientPhysiology {
  readonly classId: ClassId;
  readonly ageYears: number;
  readonly sex: Sex;
  /** Resting sinus rate, bpm. */
  readonly hrBpm: number;
  /** PR interval (P onset to QRS onset; for WPW to delta onset), s. */
  readonly pr: number;
  /** QRS duration of normally conducted beats, s. */
  readonly qrs: number;
  /** Bazett-corrected QT, s. */
  readonly qtc: number;
  /** Respiratory rate, Hz, and RR modulation amplitudes. */
  readonly respRateHz: number;
  readonly rsaFraction: number;
  readonly lfFraction: number;
  readonly jitterFraction: number;
  readonly morphology: Morphology;
  /** Seeds the arrhythmia mechanism's persistent parameters (rates, ratios, foci) across recordings. */
  readonly traitSeed: number;
}

/**
 * RSA amplitude by age: small in neonates and infants, largest in school-age children
 * (peak-to-peak RR variation of 10–20 % is common at 5–12 y).
 */
function normalRsa(ageYears: number, rng: Rng): number {
  const peak = ageYears < 0.25 ? 0.015 : ageYears < 1 ? 0.025 : ageYears < 3 ? 0.035 : 0.05;
  return peak * rng.uniform(0.4, 1.3);
}

/** Draw the physiology of a child of `ageYears` and `sex` in class `classId`. */
export function drawPatientPhysiology(classId: ClassId, ageYears: number, sex: Sex, rng: Rng): PatientPhysiology {
  const norms = normsFor(ageYears, sex);
  let hrBpm = drawFromNorm(norms.hr, rng);
  let prMs = drawFromNorm(norms.pr, rng);
  let qrsMs = drawFromNorm(norms.qrs, rng);
  let qtcMs = drawFromNorm(norms.qtc, rng);
  let rsaFraction = normalRsa(ageYears, rng);
  // Long QT: relative bradycardia (sinus node involvement in LQT3, beta-blockers) is common.
  switch (classId) {
    case 'sinus_tachy':
      hrBpm = Math.min(235, norms.hr.p98 * rng.uniform(1.05, 1.35));
      break;
    case 'sinus_brady':
      hrBpm = Math.max(35, norms.hr.p2 * rng.uniform(0.7, 0.95));
      break;
    case 'avb1':
      prMs = norms.pr.p98 * rng.uniform(1.1, 1.6);
      break;
    case 'wpw':
      prMs = norms.pr.p2 * rng.uniform(0.6, 0.95);
      break;
    case 'lqts':
      qtcMs = rng.uniform(475, 580);
      hrBpm *= rng.uniform(0.75, 0.95);
      break;
    case 'rsa':
      rsaFraction = rng.uniform(0.1, 0.22);
      break;
    case 'avb2_mobitz2':
      if (rng.bernoulli(0.4)) qrsMs *= rng.uniform(1.4, 1.7);
      break;
    default:
      break;
  }
  qtcMs = classId === 'lqts' ? qtcMs : Math.min(qtcMs, 462);
  const morphology = drawMorphology(ageYears, classId, rng);
  // Pre-excitation: the delta wave starts at the end of the P wave at the earliest, below the age's 2nd percentile.
  if (classId === 'wpw') prMs = Math.min(Math.max(prMs, 1000 * morphology.pDuration), norms.pr.p2 - 5);
  return {
    classId,
    ageYears,
    sex,
    hrBpm,
    pr: prMs / 1000,
    qrs: qrsMs / 1000,
    qtc: qtcMs / 1000,
    respRateHz: (valueAtAge(RESPIRATORY_RATE_PER_MIN, ageYears) * rng.uniform(0.8, 1.2)) / 60,
    rsaFraction,
    lfFraction: rng.uniform(0.01, 0.03),
    jitterFraction: rng.uniform(0.004, 0.012),
    morphology,
    traitSeed: rng.nextUint32(),
  };
}
