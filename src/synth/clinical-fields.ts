import type { ClinicalSchema } from '../clinical/schema.js';

export const SYMPTOMS = [
  'palpitations',
  'syncope',
  'chest_pain',
  'poor_feeding',
  'irritability',
  'diaphoresis',
  'dyspnoea',
  'fatigue',
  'fever',
  'seizure_like',
] as const;
export type Symptom = (typeof SYMPTOMS)[number];
export const CHD_TYPES = [
  'none',
  'vsd',
  'asd',
  'avsd',
  'tetralogy_of_fallot',
  'tga',
  'hlhs',
  'ebstein',
  'coarctation',
  'other',
] as const;
export type ChdType = (typeof CHD_TYPES)[number];
export const FAMILY_HISTORY = ['sudden_death', 'long_qt', 'arrhythmia', 'cardiomyopathy'] as const;
export type FamilyHistoryItem = (typeof FAMILY_HISTORY)[number];
export const MEDICATIONS = [
  'digoxin',
  'qt_prolonging',
  'beta_blocker',
  'antiarrhythmic',
  'bronchodilator',
  'stimulant',
] as const;
export type Medication = (typeof MEDICATIONS)[number];
export const CARE_SETTINGS = ['outpatient', 'emergency', 'ward', 'picu'] as const;
export type CareSetting = (typeof CARE_SETTINGS)[number];

/**
 * The clinical context of the synthetic cohort, as `clinical-schema.json` (src/clinical/schema.ts).
 * Lab units: K⁺, total Ca, Mg in mmol/L; TSH in mU/L; high-sensitivity troponin T in ng/L.
 */
export const SYNTH_CLINICAL_SCHEMA: ClinicalSchema = {
  version: 1,
  fields: [
    { name: 'weight_kg', type: 'numeric', unit: 'kg', range: [0.3, 250], description: 'body weight' },
    { name: 'height_cm', type: 'numeric', unit: 'cm', range: [20, 230], description: 'length (infants) or height' },
    {
      name: 'care_setting',
      type: 'categorical',
      categories: [...CARE_SETTINGS],
      description: 'where the ECG was recorded',
    },
    { name: 'symptoms', type: 'multi-label', labels: [...SYMPTOMS], description: 'presenting symptoms' },
    {
      name: 'chd',
      type: 'categorical',
      categories: [...CHD_TYPES],
      description: 'congenital heart disease, main lesion',
    },
    { name: 'recent_cardiac_surgery', type: 'boolean', description: 'cardiac surgery in the last 14 days' },
    {
      name: 'family_history',
      type: 'multi-label',
      labels: [...FAMILY_HISTORY],
      description: 'in first-degree relatives',
    },
    { name: 'maternal_anti_ro', type: 'boolean', description: 'maternal anti-Ro/SSA antibodies' },
    { name: 'myocarditis', type: 'boolean', description: 'known or suspected myocarditis' },
    { name: 'hypothyroidism', type: 'boolean' },
    { name: 'deafness', type: 'boolean', description: 'congenital sensorineural deafness' },
    {
      name: 'medications',
      type: 'multi-label',
      labels: [...MEDICATIONS],
      description: 'current medications (qt_prolonging: macrolides, ondansetron, antipsychotics, ...)',
    },
    { name: 'potassium_mmol_l', type: 'numeric', unit: 'mmol/L', range: [1, 10], description: 'serum K+' },
    { name: 'calcium_mmol_l', type: 'numeric', unit: 'mmol/L', range: [0.5, 5], description: 'total serum Ca' },
    { name: 'magnesium_mmol_l', type: 'numeric', unit: 'mmol/L', range: [0.1, 3], description: 'serum Mg2+' },
    { name: 'tsh_mu_l', type: 'numeric', unit: 'mU/L', range: [0, 500], description: 'thyroid-stimulating hormone' },
    {
      name: 'troponin_ng_l',
      type: 'numeric',
      unit: 'ng/L',
      range: [0, 100000],
      description: 'high-sensitivity troponin T',
    },
  ],
};
