import type { Ecg } from '../io/ecg.js';
import type { Rng } from '../util/rng.js';
import { kernelsForSchedule } from './beat-kernels.js';
import { renderDipole } from './dipole-model.js';
import { electrodesFromDipole, leadsFromElectrodes } from './electrodes.js';
import type { ChestLead, LeadName } from './lead-projection.js';
import { addArtefacts, type NoiseLevel } from './noise.js';
import type { PatientPhysiology } from './patient-physiology.js';
import type { RhythmSchedule } from './rhythm-events.js';
import { scheduleRhythm } from './rhythm-mechanisms.js';
import { rhythmTruth, type RhythmTruth } from './rhythm-truth.js';

/** Recording conditions of one synthetic ECG. */
export interface RecordingConditions {
  /** Sampling rate, Hz (250, 500 or 1000 in the CLI; any positive rate works). */
  readonly fs: number;
  /** Length, s. */
  readonly duration: number;
  /** Leads to output, in order. */
  readonly leads: readonly LeadName[];
  readonly noise: NoiseLevel;
  /** Mains frequency at the recording site. */
  readonly mainsHz: 50 | 60;
}

/** One synthetic recording: the ECG (physical mV), what was put in it, and the schedule behind it. */
export interface SyntheticRecording {
  readonly ecg: Ecg;
  readonly truth: RhythmTruth;
  readonly schedule: RhythmSchedule;
  /** Sinus rate the recording was generated with (the patient's rate shifted by state), bpm. */
  readonly sinusHr: number;
}

const LIMB_LEADS = new Set<LeadName>(['I', 'II', 'III', 'aVR', 'aVL', 'aVF']);

/**
 * Generate one recording of `patient`: rhythm schedule → Gaussian kernels → dipole → electrode
 * potentials (+ artefacts) → leads. The sinus rate differs between recordings of a child by a
 * state shift of about ±5 % (asleep, calm, upset).
 */
export function synthesizeRecording(
  patient: PatientPhysiology,
  conditions: RecordingConditions,
  rng: Rng,
): SyntheticRecording {
  const { fs, duration, leads } = conditions;
  const sinusHr = patient.hrBpm * Math.exp(rng.normal(0, 0.05));
  const schedule = scheduleRhythm(patient, sinusHr, duration, rng);
  const n = Math.round(fs * duration);
  const dipole = renderDipole(kernelsForSchedule(schedule, patient.morphology), fs, n);
  const chest = leads.filter((l): l is ChestLead => !LIMB_LEADS.has(l));
  const electrodes = electrodesFromDipole(dipole, chest);
  addArtefacts(
    electrodes,
    { level: conditions.noise, fs, mainsHz: conditions.mainsHz, respRateHz: patient.respRateHz },
    rng,
  );
  const signals = leadsFromElectrodes(electrodes, leads);
  return {
    ecg: { fs, leads: [...leads], signals, units: leads.map(() => 'mV') },
    truth: rhythmTruth(schedule, duration),
    schedule,
    sinusHr,
  };
}
