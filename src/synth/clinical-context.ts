import { readFileSync } from 'node:fs';
import type { ClinicalContext } from '../clinical/schema.js';
import type { Rng } from '../util/rng.js';
import type { Sex } from './age-norms.js';
import type { ClassId } from './classes.js';
import {
  CARE_SETTINGS,
  CHD_TYPES,
  FAMILY_HISTORY,
  MEDICATIONS,
  SYMPTOMS,
  type CareSetting,
  type ChdType,
  type FamilyHistoryItem,
  type Medication,
} from './clinical-fields.js';
import { lmsValue } from './growth-curves.js';

interface OddsFile {
  baseRates: {
    symptoms: Record<string, number>;
    chd: number;
    surgeryGivenChd: number;
    family_history: Record<string, number>;
    maternal_anti_ro: number;
    myocarditis: number;
    hypothyroidism: number;
    deafness: number;
    medications: Record<string, number>;
    care_setting: Record<string, number>;
    chd_type: Record<string, number>;
  };
  oddsRatios: Record<string, Record<string, number>>;
  labShifts: Record<string, Record<string, number>>;
}

let cached: OddsFile | null = null;
function odds(): OddsFile {
  cached ??= JSON.parse(
    readFileSync(new URL('../../data/synth/clinical-odds.json', import.meta.url), 'utf8'),
  ) as OddsFile;
  return cached;
}

/** A child's clinical history: persists across their recordings. */
export interface ClinicalHistory {
  readonly weightZ: number;
  readonly heightZ: number;
  readonly chd: ChdType;
  readonly recentSurgery: boolean;
  readonly familyHistory: readonly FamilyHistoryItem[];
  readonly maternalAntiRo: boolean;
  readonly myocarditis: boolean;
  readonly hypothyroidism: boolean;
  readonly deafness: boolean;
  readonly medications: readonly Medication[];
  readonly setting: CareSetting;
}

/** p' with odds(p') = odds(p) · OR. */
function shiftOdds(p: number, oddsRatio: number): number {
  const o = (p / (1 - p)) * oddsRatio;
  return o / (1 + o);
}

function orFor(classId: ClassId, key: string): number {
  return odds().oddsRatios[classId]?.[key] ?? 1;
}

function draw(rng: Rng, classId: ClassId, key: string, base: number): boolean {
  return rng.bernoulli(shiftOdds(base, orFor(classId, key)));
}

/** Symptoms a child of this age can have or report (infants do not report palpitations or chest pain). */
function symptomPossible(symptom: string, ageYears: number): boolean {
  if (symptom === 'palpitations' || symptom === 'chest_pain') return ageYears >= 4;
  if (symptom === 'syncope') return ageYears >= 1;
  if (symptom === 'poor_feeding') return ageYears < 1;
  if (symptom === 'irritability') return ageYears < 4;
  return true;
}

/**
 * Draw a child's history for rhythm class `classId`. Each item has a base rate that the class
 * shifts by an odds ratio (data/synth/clinical-odds.json): JET after surgery for congenital heart
 * disease, congenital complete heart block with maternal anti-Ro/SSA antibodies, long QT with a
 * family history and deafness. Every item stays possible in every class.
 */
export function drawClinicalHistory(classId: ClassId, ageYears: number, rng: Rng): ClinicalHistory {
  const base = odds().baseRates;
  const hasChd = draw(rng, classId, 'chd', base.chd);
  const typeWeights = CHD_TYPES.slice(1).map((t) => (base.chd_type[t] ?? 0) * orFor(classId, `chd_type.${t}`));
  const chd: ChdType = hasChd ? (CHD_TYPES[1 + rng.weighted(typeWeights)] as ChdType) : 'none';
  const surgeryBase = base.surgeryGivenChd * (ageYears < 1 ? 2 : 1);
  const recentSurgery = hasChd && draw(rng, classId, 'surgery', surgeryBase);
  const familyHistory = FAMILY_HISTORY.filter((f) =>
    draw(rng, classId, `family_history.${f}`, base.family_history[f] ?? 0),
  );
  const medications = MEDICATIONS.filter(
    (m) => (m !== 'stimulant' || ageYears >= 5) && draw(rng, classId, `medications.${m}`, base.medications[m] ?? 0),
  );
  const settingWeights = CARE_SETTINGS.map(
    (s) => (base.care_setting[s] ?? 0) * orFor(classId, `care_setting.${s}`) * (s === 'picu' && recentSurgery ? 6 : 1),
  );
  // Weight and height z-scores correlate (ρ ≈ 0.6 in children).
  const weightZ = rng.normal();
  return {
    weightZ,
    heightZ: 0.6 * weightZ + 0.8 * rng.normal(),
    chd,
    recentSurgery,
    familyHistory,
    maternalAntiRo: draw(rng, classId, 'maternal_anti_ro', base.maternal_anti_ro * (ageYears < 1 ? 2 : 1)),
    myocarditis: draw(rng, classId, 'myocarditis', base.myocarditis),
    hypothyroidism: draw(rng, classId, 'hypothyroidism', base.hypothyroidism),
    deafness: draw(rng, classId, 'deafness', base.deafness),
    medications,
    setting: CARE_SETTINGS[rng.weighted(settingWeights)] as CareSetting,
  };
}

/** Probability that a lab was drawn, by care setting: seldom in clinic, nearly always in intensive care. */
const LAB_DRAWN: Readonly<Record<CareSetting, number>> = { outpatient: 0.2, emergency: 0.65, ward: 0.8, picu: 0.95 };

/**
 * The clinical context of one recording: the persistent history plus this visit's symptoms and
 * labs, with missing values (`null`). Missingness is mostly not at random: labs depend on the care
 * setting and on the symptoms (troponin when chest pain, myocarditis or surgery; TSH when tired
 * or bradycardic), family history is unknown more often in neonates and emergencies, maternal
 * antibodies are rarely recorded after infancy; plus 3 % missing completely at random per field.
 */
export function clinicalContextFor(
  classId: ClassId,
  h: ClinicalHistory,
  ageYears: number,
  sex: Sex,
  rng: Rng,
): ClinicalContext {
  const base = odds().baseRates;
  const shifts = odds().labShifts[classId] ?? {};
  const symptoms = SYMPTOMS.filter(
    (s) => symptomPossible(s, ageYears) && draw(rng, classId, `symptoms.${s}`, base.symptoms[s] ?? 0),
  );
  const neonate = ageYears < 1 / 12;
  const lognormal = (median: number, sd: number): number => median * Math.exp(rng.normal(0, sd));
  const round = (x: number, digits: number): number => Number(x.toFixed(digits));
  // Troponin: higher in neonates; raised ~30× in myocarditis and
  // ~80× in the days after cardiac surgery (the larger applies).
  const troponinMedian =
    (neonate ? 40 : ageYears < 1 ? 15 : 5) *
    Math.max(h.myocarditis ? 30 : 1, h.recentSurgery ? 80 : 1) *
    (shifts.troponin_ng_l ?? 1);
  const labs = {
    potassium_mmol_l: round(rng.normal(4.3 + (ageYears < 1 ? 0.3 : 0) + (shifts.potassium_mmol_l ?? 0), 0.35), 1),
    calcium_mmol_l: round(rng.normal((neonate ? 2.25 : 2.4) + (shifts.calcium_mmol_l ?? 0), 0.1), 2),
    magnesium_mmol_l: round(rng.normal(0.85 + (shifts.magnesium_mmol_l ?? 0), 0.08), 2),
    tsh_mu_l: round(lognormal((neonate ? 4 : 2) * (h.hypothyroidism ? 10 : 1) * (shifts.tsh_mu_l ?? 1), 0.5), 2),
    troponin_ng_l: Math.min(50000, Math.round(lognormal(troponinMedian, 0.7))),
  };
  const drawn = LAB_DRAWN[h.setting];
  const panel = rng.bernoulli(drawn);
  const troponinAsked = symptoms.includes('chest_pain') || h.myocarditis || h.recentSurgery ? 1 : 0.4;
  const tshAsked = symptoms.includes('fatigue') || h.hypothyroidism || classId === 'sinus_brady' ? 1 : 0.4;
  const familyUnknown = 0.2 + (neonate ? 0.25 : 0) + (h.setting === 'emergency' ? 0.15 : 0);
  const ctx: ClinicalContext = {
    weight_kg: rng.bernoulli(h.setting === 'emergency' ? 0.15 : 0.05)
      ? null
      : round(lmsValue('weightKg', sex, ageYears, h.weightZ), 2),
    height_cm: rng.bernoulli(0.15) ? null : round(lmsValue('heightCm', sex, ageYears, h.heightZ), 1),
    care_setting: h.setting,
    symptoms: rng.bernoulli(0.08) ? null : symptoms,
    chd: rng.bernoulli(0.06) ? null : h.chd,
    recent_cardiac_surgery: rng.bernoulli(0.04) ? null : h.recentSurgery,
    family_history: rng.bernoulli(familyUnknown) ? null : [...h.familyHistory],
    maternal_anti_ro: rng.bernoulli(ageYears < 1 ? 0.5 : 0.85) ? null : h.maternalAntiRo,
    myocarditis: rng.bernoulli(0.15) ? null : h.myocarditis,
    hypothyroidism: rng.bernoulli(0.2) ? null : h.hypothyroidism,
    deafness: rng.bernoulli(0.3) ? null : h.deafness,
    medications: rng.bernoulli(0.1) ? null : [...h.medications],
    potassium_mmol_l: panel ? labs.potassium_mmol_l : null,
    calcium_mmol_l: panel && rng.bernoulli(0.9) ? labs.calcium_mmol_l : null,
    magnesium_mmol_l: panel && rng.bernoulli(0.75) ? labs.magnesium_mmol_l : null,
    tsh_mu_l: rng.bernoulli(Math.min(1, drawn * tshAsked * 0.7)) ? labs.tsh_mu_l : null,
    troponin_ng_l: rng.bernoulli(drawn * troponinAsked) ? labs.troponin_ng_l : null,
  };
  for (const key of Object.keys(ctx)) if (rng.bernoulli(0.03)) ctx[key] = null;
  return ctx;
}
