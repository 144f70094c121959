import { describe, expect, it } from 'vitest';
import { normsFor } from './age-norms.js';
import { generateCohort, type CohortOptions } from './cohort.js';
import { STANDARD_12_LEADS } from './lead-projection.js';
import { INTERVAL_CLASSES, measureRecording, mechanismChecks, type MeasuredRecording } from './measured-vs-target.js';

const base: Omit<CohortOptions, 'classes' | 'patients'> = {
  seed: 21,
  fs: 500,
  duration: 10,
  leads: STANDARD_12_LEADS,
  noise: 'low',
};
const measure = (options: Pick<CohortOptions, 'classes' | 'patients'>): MeasuredRecording[] =>
  [...generateCohort({ ...base, ...options })].map(measureRecording);
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;

describe("fewbeat's own measurements recover what the generator put in", () => {
  const rows = measure({ classes: INTERVAL_CLASSES, patients: 40 });

  it(
    'recovers the heart rate within 5 % in at least 90 % of recordings ' + '(the rest: tall T waves counted as beats)',
    () => {
      expect(
        rows.filter((r) => Math.abs(r.measured.hr_bpm! / r.target.hrBpm! - 1) < 0.05).length,
      ).toBeGreaterThanOrEqual(0.9 * rows.length);
    },
  );

  it('recovers QRS duration and QTc within a few milliseconds (median absolute error)', () => {
    const qrs = rows
      .filter((r) => r.measured.qrs_ms !== null)
      .map((r) => Math.abs(r.measured.qrs_ms! - r.target.qrsMs!));
    expect(median(qrs)).toBeLessThan(8);
    const qtc = rows
      .filter((r) => r.measured.qtc_bazett_ms !== null)
      .map((r) => Math.abs(r.measured.qtc_bazett_ms! - r.target.qtcMs!));
    expect(qtc.length).toBeGreaterThan(0.8 * rows.length);
    expect(median(qtc)).toBeLessThan(15);
  });

  it('recovers the PR interval where the P wave stands clear of the preceding T (children from 3 years)', () => {
    const older = rows.filter((r) => r.ageYears >= 3);
    const pr = older.filter((r) => r.measured.pr_ms !== null).map((r) => Math.abs(r.measured.pr_ms! - r.target.prMs!));
    expect(pr.length).toBeGreaterThan(0.75 * older.length);
    expect(median(pr)).toBeLessThan(10);
  });

  it('flags WPW by a short PR, long QT above 470 ms and SVT in its age range', () => {
    const k = mechanismChecks(measure({ classes: ['wpw', 'lqts', 'svt', 'nsr'], patients: 32 }));
    expect(k.wpwShortPr.target).toBe(1);
    expect(k.wpwShortPr.measured).toBeGreaterThan(0.8);
    expect(k.longQt.target).toBe(1);
    expect(k.longQt.measured).toBeGreaterThan(0.6);
    expect(k.longQt.measuredShare).toBeGreaterThan(0.6);
    expect(k.longQt.nsrMeasured).toBeLessThan(0.15);
    expect(k.svtRate.measured).toBeGreaterThan(0.75);
  });

  it('shows the dropped beats of second-degree block as pauses on the ECG', () => {
    const k = mechanismChecks(measure({ classes: ['avb2_mobitz1', 'avb2_mobitz2'], patients: 16 }));
    expect(k.mobitz1Drops.withinOne).toBeGreaterThan(0.7);
    expect(k.mobitz2Drops.n === 0 || k.mobitz2Drops.withinOne > 0.6).toBe(true);
  });

  it('measures sinus tachycardia above and bradycardia below the age norm', () => {
    for (const r of measure({ classes: ['sinus_tachy', 'sinus_brady'], patients: 12 })) {
      const hr = normsFor(r.ageYears, r.sex).hr;
      if (r.classId === 'sinus_tachy') expect(r.measured.hr_bpm!).toBeGreaterThan(hr.p98 * 0.97);
      else expect(r.measured.hr_bpm!).toBeLessThan(hr.p2 * 1.03);
    }
  });
});
