import { describe, expect, it } from 'vitest';
import type { ClinicalContext } from '../clinical/schema.js';
import { balancedAccuracy } from '../eval/metrics/balanced-accuracy.js';
import { confusionMatrix } from '../eval/metrics/confusion-matrix.js';
import { Rng } from '../util/rng.js';
import { CLASS_IDS, type ClassId } from './classes.js';
import { clinicalContextFor, drawClinicalHistory } from './clinical-context.js';
import { SYNTH_CLINICAL_SCHEMA } from './clinical-fields.js';
import { clinicalSeparability } from './clinical-separability.js';
import { planCohort } from './cohort-plan.js';
import { lmsValue } from './growth-curves.js';
import { meanRecall } from './softmax-regression.js';

interface Row {
  patientId: string;
  classId: ClassId;
  ageYears: number;
  sex: 'M' | 'F';
  clinical: ClinicalContext;
}

/** Clinical context of a planned cohort, without the ECGs (fast). */
function contexts(patients: number, seed: number): Row[] {
  return planCohort(patients, CLASS_IDS, seed).flatMap((p) => {
    const rng = new Rng(p.seed);
    const history = drawClinicalHistory(p.classId, p.ageYears, rng);
    return Array.from({ length: p.recordings }, () => ({
      patientId: p.patientId,
      classId: p.classId,
      ageYears: p.ageYears,
      sex: p.sex,
      clinical: clinicalContextFor(p.classId, history, p.ageYears, p.sex, rng),
    }));
  });
}

const rows = contexts(1000, 3);
const rate = (xs: Row[], p: (r: Row) => boolean): number => xs.filter(p).length / xs.length;
const ofClass = (c: ClassId): Row[] => rows.filter((r) => r.classId === c);

describe('clinical context', () => {
  it('leaves 20–40 % of clinical cells empty', () => {
    const fields = SYNTH_CLINICAL_SCHEMA.fields.map((f) => f.name);
    const missing =
      rows.reduce((s, r) => s + fields.filter((f) => r.clinical[f] === null).length, 0) / (rows.length * fields.length);
    expect(missing).toBeGreaterThan(0.2);
    expect(missing).toBeLessThan(0.4);
  });

  it('misses labs not at random: far more often in clinic than in intensive care', () => {
    const kMissing = (setting: string): number =>
      rate(
        rows.filter((r) => r.clinical.care_setting === setting),
        (r) => r.clinical.potassium_mmol_l === null,
      );
    expect(kMissing('outpatient')).toBeGreaterThan(0.7);
    expect(kMissing('picu')).toBeLessThan(0.15);
  });

  it('shifts the odds by class without giving the label away', () => {
    expect(rate(ofClass('jet'), (r) => r.clinical.recent_cardiac_surgery === true)).toBeGreaterThan(0.4);
    expect(rate(ofClass('nsr'), (r) => r.clinical.recent_cardiac_surgery === true)).toBeLessThan(0.05);
    expect(rate(ofClass('chb'), (r) => r.clinical.maternal_anti_ro === true)).toBeGreaterThan(
      5 * rate(ofClass('nsr'), (r) => r.clinical.maternal_anti_ro === true) + 0.02,
    );
    const syncope = (c: ClassId): number =>
      rate(ofClass(c), (r) => Array.isArray(r.clinical.symptoms) && r.clinical.symptoms.includes('syncope'));
    expect(syncope('lqts')).toBeGreaterThan(3 * syncope('nsr'));
    // Post-operative children are not all JET, syncope is not only long QT.
    const surgeryClasses = new Set(
      rows.filter((r) => r.clinical.recent_cardiac_surgery === true).map((r) => r.classId),
    );
    expect(surgeryClasses.size).toBeGreaterThan(3);
    const syncopeClasses = new Set(
      rows
        .filter((r) => Array.isArray(r.clinical.symptoms) && r.clinical.symptoms.includes('syncope'))
        .map((r) => r.classId),
    );
    expect(syncopeClasses.size).toBeGreaterThan(5);
  });

  it("keeps every value within the schema's plausible range, so the manifest reader accepts it", () => {
    for (const f of SYNTH_CLINICAL_SCHEMA.fields) {
      if (f.type !== 'numeric') continue;
      for (const r of rows) {
        const v = r.clinical[f.name];
        if (typeof v === 'number') {
          expect(v, f.name).toBeGreaterThanOrEqual(f.range[0]);
          expect(v, f.name).toBeLessThanOrEqual(f.range[1]);
        }
      }
    }
  });

  it('gives every child a weight and height within ±4 SD of the growth reference', () => {
    for (const r of rows) {
      const w = r.clinical.weight_kg;
      if (typeof w === 'number') {
        expect(w).toBeGreaterThan(lmsValue('weightKg', r.sex, r.ageYears, -4));
        expect(w).toBeLessThan(lmsValue('weightKg', r.sex, r.ageYears, 4));
      }
      const h = r.clinical.height_cm;
      if (typeof h === 'number') expect(Math.abs(h / lmsValue('heightCm', r.sex, r.ageYears, 0) - 1)).toBeLessThan(0.2);
    }
  });

  it('computes balanced accuracy as scikit-learn does (checked against the eval layer)', () => {
    const rng = new Rng(9);
    const truth = Array.from({ length: 200 }, () => rng.int(0, 4));
    const predicted = truth.map((t) => (rng.bernoulli(0.6) ? t : rng.int(0, 4)));
    expect(meanRecall(truth, predicted)).toBeCloseTo(balancedAccuracy(confusionMatrix(truth, predicted, 5)), 12);
  });

  it('lets the context alone predict the class only weakly: informative, far from what the ECG gives', () => {
    const sample = contexts(400, 4);
    const s = clinicalSeparability(
      SYNTH_CLINICAL_SCHEMA,
      sample.map((r) => ({
        patientId: r.patientId,
        label: r.classId,
        input: { ageYears: r.ageYears, sex: r.sex, clinical: r.clinical },
      })),
      5,
      120,
    );
    expect(s.bestField.balancedAccuracy).toBeLessThan(0.3);
    expect(s.allFields).toBeLessThan(0.45);
    expect(s.allFields).toBeGreaterThan(1.5 * s.chance);
  });
});
