import type { ClinicalContext } from '../clinical/schema.js';
import type { Ecg } from '../io/ecg.js';
import { Rng } from '../util/rng.js';
import type { Sex } from './age-norms.js';
import { CLASS_IDS, type ClassId } from './classes.js';
import { clinicalContextFor, drawClinicalHistory } from './clinical-context.js';
import { planCohort, type PlannedPatient } from './cohort-plan.js';
import { STANDARD_12_LEADS, type LeadName } from './lead-projection.js';
import type { NoiseLevel } from './noise.js';
import { drawPatientPhysiology, type PatientPhysiology } from './patient-physiology.js';
import type { RhythmTruth } from './rhythm-truth.js';
import { synthesizeRecording } from './synthesize-recording.js';

/** Generator version: changes whenever the same seed would give different output. */
export const GENERATOR_VERSION = 'fewbeat-synth 1';

/** `mixed` draws a level per recording: low 50 %, medium 35 %, high 15 %. */
export type NoiseSetting = NoiseLevel | 'mixed';

export interface CohortOptions {
  /** Number of patients (children); each has 1–3 recordings. */
  readonly patients: number;
  readonly seed: number;
  /** Sampling rate, Hz. */
  readonly fs: number;
  /** Recording length, s. */
  readonly duration: number;
  readonly leads: readonly LeadName[];
  readonly classes: readonly ClassId[];
  readonly noise: NoiseSetting;
}

/**
 * Defaults: 1,000 children (≈ 1,350 ten-second 12-lead recordings at 500 Hz, ≈ 164 MB in format 16),
 * at least 30 children per class, so 5-shot + 10-query episodes and a validation split fit.
 */
export const DEFAULT_COHORT_OPTIONS: CohortOptions = {
  patients: 1000,
  seed: 1,
  fs: 500,
  duration: 10,
  leads: STANDARD_12_LEADS,
  classes: CLASS_IDS,
  noise: 'mixed',
};

/** One generated recording with everything the writers and the validation need. */
export interface CohortRecording {
  /** Record name, unique in the cohort (`p00012_2` = second recording of patient p00012). */
  readonly record: string;
  readonly patientId: string;
  readonly classId: ClassId;
  readonly ageYears: number;
  readonly sex: Sex;
  readonly clinical: ClinicalContext;
  readonly ecg: Ecg;
  readonly truth: RhythmTruth;
  readonly noise: NoiseLevel;
  readonly physiology: PatientPhysiology;
}

const MIXED_LEVELS: readonly NoiseLevel[] = ['low', 'medium', 'high'];

/**
 * Generate the cohort lazily, one recording at a time, in patient order. Deterministic for a given
 * seed and generator version. A child's recordings share age, sex, physiology, morphology, history
 * and the mechanism's traits; rhythm phases, symptoms, labs, missingness and noise differ. Follow-up
 * recordings are 1–30 days after the first.
 */
export function* generateCohort(options: CohortOptions): Generator<CohortRecording> {
  for (const planned of planCohort(options.patients, options.classes, options.seed))
    yield* patientRecordings(planned, options);
}

/** The recordings of one planned patient. */
export function* patientRecordings(planned: PlannedPatient, options: CohortOptions): Generator<CohortRecording> {
  const rng = new Rng(planned.seed);
  const physiology = drawPatientPhysiology(planned.classId, planned.ageYears, planned.sex, rng.fork(1));
  const history = drawClinicalHistory(planned.classId, planned.ageYears, rng.fork(2));
  const mainsHz = rng.bernoulli(0.5) ? 50 : 60;
  for (let r = 0; r < planned.recordings; r++) {
    const recRng = rng.fork(10 + r);
    const ageYears =
      r === 0 ? planned.ageYears : Number((planned.ageYears + recRng.uniform(1, 30) / 365.25).toFixed(4));
    const noise =
      options.noise === 'mixed' ? (MIXED_LEVELS[recRng.weighted([0.5, 0.35, 0.15])] as NoiseLevel) : options.noise;
    const { ecg, truth } = synthesizeRecording(
      physiology,
      { fs: options.fs, duration: options.duration, leads: options.leads, noise, mainsHz },
      recRng,
    );
    yield {
      record: `${planned.patientId}_${r + 1}`,
      patientId: planned.patientId,
      classId: planned.classId,
      ageYears,
      sex: planned.sex,
      clinical: clinicalContextFor(planned.classId, history, ageYears, planned.sex, recRng),
      ecg,
      truth,
      noise,
      physiology,
    };
  }
}
