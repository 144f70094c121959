import { readFileSync } from 'node:fs';
import { Rng } from '../util/rng.js';
import { COHORT_AGE_BANDS, sampleAgeInBand } from './age-bands.js';
import type { Sex } from './age-norms.js';
import type { ClassId } from './classes.js';

interface CompositionFile {
  prevalence: Record<ClassId, number>;
  ageBandWeights: Record<ClassId, number[]>;
  femaleFraction: Record<string, number>;
  recordingsPerPatient: Record<string, number>;
}

let cached: CompositionFile | null = null;
/** Prevalence, age mix and sex ratio per class (data/synth/cohort-composition.json, with its rationale). */
export function cohortComposition(): CompositionFile {
  cached ??= JSON.parse(
    readFileSync(new URL('../../data/synth/cohort-composition.json', import.meta.url), 'utf8'),
  ) as CompositionFile;
  return cached;
}

/**
 * Fewest patients per class: 5-shot + 10-query episodes with
 * patient-disjoint support and query, plus a validation split.
 */
export const MIN_PATIENTS_PER_CLASS = 30;

/**
 * Patients per class: every class gets min(30, ⌊N/k⌋) patients, the rest is shared in proportion
 * to the clinic prevalence (largest remainder), so rare classes stay rare but usable.
 */
export function patientsPerClass(total: number, classes: readonly ClassId[]): Map<ClassId, number> {
  const floor = Math.min(MIN_PATIENTS_PER_CLASS, Math.floor(total / classes.length));
  const prevalence = cohortComposition().prevalence;
  const weightSum = classes.reduce((s, c) => s + prevalence[c], 0);
  const rest = total - floor * classes.length;
  const shares = classes.map((c) => (rest * prevalence[c]) / weightSum);
  const counts = shares.map((s) => Math.floor(s));
  let left = rest - counts.reduce((a, b) => a + b, 0);
  const order = shares.map((s, i) => [s - Math.floor(s), i] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  for (const [, i] of order) {
    if (left <= 0) break;
    counts[i] = (counts[i] as number) + 1;
    left -= 1;
  }
  return new Map(classes.map((c, i) => [c, floor + (counts[i] as number)]));
}

/** One patient of the cohort before any signal is generated. */
export interface PlannedPatient {
  readonly patientId: string;
  readonly classId: ClassId;
  readonly ageYears: number;
  readonly sex: Sex;
  readonly recordings: number;
  /** Seeds everything about this patient. */
  readonly seed: number;
}

/**
 * The cohort's patients: class counts from {@link patientsPerClass}, age band by the class's age
 * mix, age uniform within the band, sex by the class's ratio, 1–3 recordings. Patients are
 * shuffled before they get ids, so an id says nothing about the class.
 */
export function planCohort(total: number, classes: readonly ClassId[], seed: number): PlannedPatient[] {
  const rng = new Rng(seed);
  const composition = cohortComposition();
  const recordingChoices = Object.entries(composition.recordingsPerPatient);
  const drafts: Array<Omit<PlannedPatient, 'patientId'>> = [];
  for (const [classId, count] of patientsPerClass(total, classes)) {
    for (let i = 0; i < count; i++) {
      const band = COHORT_AGE_BANDS[rng.weighted(composition.ageBandWeights[classId])];
      if (!band) throw new Error(`no age band for ${classId}`);
      const female = composition.femaleFraction[classId] ?? composition.femaleFraction.default ?? 0.5;
      drafts.push({
        classId,
        ageYears: Number(sampleAgeInBand(band, rng).toFixed(4)),
        sex: rng.bernoulli(female) ? 'F' : 'M',
        recordings: Number(recordingChoices[rng.weighted(recordingChoices.map(([, p]) => p))]?.[0] ?? 1),
        seed: rng.nextUint32(),
      });
    }
  }
  rng.shuffle(drafts);
  const width = Math.max(5, String(drafts.length).length);
  return drafts.map((d, i) => ({ patientId: `p${String(i + 1).padStart(width, '0')}`, ...d }));
}
