import { describe, expect, it } from 'vitest';
import { CLASS_IDS } from './classes.js';
import { MIN_PATIENTS_PER_CLASS, patientsPerClass, planCohort } from './cohort-plan.js';

describe('cohort plan', () => {
  it('gives every class at least 30 children at the default size, rare classes staying rare', () => {
    const counts = patientsPerClass(1000, CLASS_IDS);
    expect([...counts.values()].reduce((a, b) => a + b, 0)).toBe(1000);
    for (const c of CLASS_IDS) expect(counts.get(c)!).toBeGreaterThanOrEqual(MIN_PATIENTS_PER_CLASS);
    expect(counts.get('nsr')!).toBeGreaterThan(3 * counts.get('brugada')!);
    expect(counts.get('nsr')!).toBeGreaterThan(counts.get('pvc')!);
  });

  it('shares small cohorts evenly before prevalence', () => {
    const counts = patientsPerClass(38, CLASS_IDS);
    for (const c of CLASS_IDS) expect(counts.get(c)).toBe(2);
  });

  it('draws ages by class (neonatal flutter, adolescent AF) and hides the class in the patient id', () => {
    const plan = planCohort(1000, CLASS_IDS, 1);
    const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
    const ages = (c: string): number[] => plan.filter((p) => p.classId === c).map((p) => p.ageYears);
    expect(median(ages('aflutter'))).toBeLessThan(1 / 12);
    expect(median(ages('afib'))).toBeGreaterThan(10);
    expect(new Set(plan.map((p) => p.patientId)).size).toBe(1000);
    // The first 100 ids hold many classes, not one block.
    expect(new Set(plan.slice(0, 100).map((p) => p.classId)).size).toBeGreaterThan(12);
    expect(plan.filter((p) => p.recordings > 1).length).toBeGreaterThan(150);
  });

  it('is deterministic in the seed', () => {
    expect(planCohort(50, CLASS_IDS, 9)).toEqual(planCohort(50, CLASS_IDS, 9));
    expect(planCohort(50, CLASS_IDS, 9)).not.toEqual(planCohort(50, CLASS_IDS, 10));
  });
});
