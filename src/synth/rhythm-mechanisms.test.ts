import { describe, expect, it } from 'vitest';
import { Rng } from '../util/rng.js';
import { normsFor } from './age-norms.js';
import type { ClassId } from './classes.js';
import { drawPatientPhysiology, type PatientPhysiology } from './patient-physiology.js';
import type { RhythmSchedule } from './rhythm-events.js';
import { scheduleRhythm } from './rhythm-mechanisms.js';
import { rhythmTruth } from './rhythm-truth.js';

const DURATION = 10;

function cases(
  classId: ClassId,
  ages: number[],
  perAge: number,
  seed: number,
): Array<{ p: PatientPhysiology; s: RhythmSchedule }> {
  const rng = new Rng(seed);
  return ages.flatMap((age) =>
    Array.from({ length: perAge }, () => {
      const p = drawPatientPhysiology(classId, age, rng.bernoulli(0.5) ? 'F' : 'M', rng);
      return { p, s: scheduleRhythm(p, p.hrBpm, DURATION, rng) };
    }),
  );
}

const AGES = [0.05, 0.5, 2, 6, 10, 15];
const inside = (t: number): boolean => t >= 0 && t < DURATION;

describe('rhythm mechanisms', () => {
  it('runs SVT at 220–300 bpm in infants and 150–250 bpm in children, with no sinus P before the QRS', () => {
    for (const { p, s } of cases('svt', AGES, 6, 1)) {
      const rates = s.ventricular.slice(1).map((v, i) => 60 / (v.onset - s.ventricular[i]!.onset));
      const fastest = Math.max(...rates);
      if (p.ageYears < 1) expect(fastest).toBeGreaterThanOrEqual(215);
      expect(fastest).toBeLessThanOrEqual(305);
      if (p.ageYears >= 1) expect(fastest).toBeGreaterThanOrEqual(130);
      const circuitBeats = s.ventricular.filter((v) => v.pr === null);
      expect(circuitBeats.length).toBeGreaterThan(5);
    }
  });

  it("gives WPW a PR below the 2nd percentile for age and a wider QRS than the child's own", () => {
    for (const { p, s } of cases('wpw', AGES, 5, 2)) {
      const t = rhythmTruth(s, DURATION);
      expect(t.prMs!).toBeLessThan(normsFor(p.ageYears, p.sex).pr.p2);
      expect(t.qrsMs!).toBeGreaterThan(p.qrs * 1000 + 10);
    }
  });

  it('lengthens the PR by decreasing steps before each dropped P in Mobitz I', () => {
    for (const { s } of cases('avb2_mobitz1', AGES, 3, 3)) {
      const t = rhythmTruth(s, DURATION);
      expect(t.conductionRatios.length).toBeGreaterThan(0);
      for (const ratio of t.conductionRatios) expect(['3:2', '4:3', '5:4']).toContain(ratio);
      let previousPr = 0;
      let previousStep = Infinity;
      for (const v of s.ventricular) {
        const step = v.pr! - previousPr;
        if (step > 0 && previousPr > 0) {
          expect(step).toBeLessThan(previousStep + 1e-9);
          previousStep = step;
        } else previousStep = Infinity;
        previousPr = v.pr!;
      }
    }
  });

  it('keeps the PR fixed and drops P waves suddenly in Mobitz II', () => {
    for (const { s } of cases('avb2_mobitz2', AGES, 3, 4)) {
      const prs = s.ventricular.map((v) => v.pr!);
      expect(Math.max(...prs) - Math.min(...prs)).toBeLessThan(1e-9);
      const t = rhythmTruth(s, DURATION);
      for (const ratio of t.conductionRatios) expect(['2:1', '3:2', '4:3']).toContain(ratio);
      expect(s.atrial.filter((a) => inside(a.onset)).length).toBeGreaterThan(
        s.ventricular.filter((v) => inside(v.onset)).length,
      );
    }
  });

  it('dissociates atria and ventricles in complete heart block, the atria faster', () => {
    for (const { s } of cases('chb', AGES, 4, 5)) {
      const t = rhythmTruth(s, DURATION);
      expect(t.prMs).toBeNull();
      expect(t.atrialRateBpm!).toBeGreaterThan(t.ventricularRateBpm!);
      // The P-to-QRS distance wanders: no fixed PR.
      const lags = s.ventricular
        .filter((v) => inside(v.onset))
        .map((v) => v.onset - Math.max(...s.atrial.filter((a) => a.onset < v.onset).map((a) => a.onset)));
      expect(Math.max(...lags) - Math.min(...lags)).toBeGreaterThan(0.05);
    }
  });

  it('runs JET faster than the sinus node, without conducted P waves', () => {
    for (const { s } of cases('jet', [0.05, 0.5, 1.5], 5, 6)) {
      const t = rhythmTruth(s, DURATION);
      expect(t.hrBpm!).toBeGreaterThan(145);
      expect(t.prMs).toBeNull();
    }
  });

  it('conducts neonatal flutter at 380–460/min with 2:1 to 4:1 block', () => {
    for (const { s } of cases('aflutter', [0.01, 0.05], 6, 7)) {
      const t = rhythmTruth(s, DURATION);
      expect(t.atrialRateBpm!).toBeGreaterThan(370);
      expect(t.atrialRateBpm!).toBeLessThan(470);
      for (const ratio of t.conductionRatios) expect(['2:1', '3:1', '4:1']).toContain(ratio);
      expect(t.ventricularRateBpm!).toBeLessThan(t.atrialRateBpm! / 1.9);
    }
  });

  it('follows a PVC by a fully compensatory pause (the sinus P behind it is not conducted)', () => {
    let checked = 0;
    for (const { s } of cases('pvc', AGES, 4, 8)) {
      const v = s.ventricular;
      for (let i = 1; i < v.length - 1; i++) {
        if (v[i]!.kind !== 'ventricular' || v[i - 1]!.kind !== 'normal' || v[i + 1]!.kind !== 'normal') continue;
        const sinusCycles = s.atrial.filter(
          (a) => a.onset > v[i - 1]!.onset - v[i - 1]!.pr! + 1e-9 && a.onset <= v[i + 1]!.onset - v[i + 1]!.pr! + 1e-9,
        ).length;
        expect(sinusCycles).toBe(2);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(10);
  });

  it('makes atrial fibrillation irregularly irregular with no P waves', () => {
    for (const { s } of cases('afib', [8, 12, 16], 5, 9)) {
      const rr = s.ventricular.slice(1).map((v, i) => v.onset - s.ventricular[i]!.onset);
      const mean = rr.reduce((a, b) => a + b, 0) / rr.length;
      const sd = Math.sqrt(rr.reduce((a, b) => a + (b - mean) ** 2, 0) / rr.length);
      expect(sd / mean).toBeGreaterThan(0.08);
      expect(s.atrial.every((a) => a.kind === 'fibrillation')).toBe(true);
    }
  });

  it('puts long QT above 470 ms and keeps other children below it', () => {
    for (const { s } of cases('lqts', AGES, 4, 10)) expect(rhythmTruth(s, DURATION).qtcMs!).toBeGreaterThan(470);
    for (const { s } of cases('nsr', AGES, 4, 11)) expect(rhythmTruth(s, DURATION).qtcMs!).toBeLessThan(470);
  });

  it('puts sinus tachycardia above and sinus bradycardia below the age-and-sex range', () => {
    for (const { p } of cases('sinus_tachy', AGES, 4, 12))
      expect(p.hrBpm).toBeGreaterThan(normsFor(p.ageYears, p.sex).hr.p98);
    for (const { p } of cases('sinus_brady', AGES, 4, 13))
      expect(p.hrBpm).toBeLessThan(normsFor(p.ageYears, p.sex).hr.p2);
  });

  it('gives respiratory sinus arrhythmia a larger phasic RR variation than normal sinus rhythm', () => {
    const cv = (s: RhythmSchedule): number => {
      const rr = s.ventricular.slice(1).map((v, i) => v.onset - s.ventricular[i]!.onset);
      const mean = rr.reduce((a, b) => a + b, 0) / rr.length;
      return Math.sqrt(rr.reduce((a, b) => a + (b - mean) ** 2, 0) / rr.length) / mean;
    };
    const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
    expect(median(cases('rsa', [6, 10], 10, 14).map((c) => cv(c.s)))).toBeGreaterThan(
      2 * median(cases('nsr', [6, 10], 10, 15).map((c) => cv(c.s))),
    );
  });

  it("keeps a child's arrhythmia traits across recordings but changes the beat phases", () => {
    const rng = new Rng(16);
    const p = drawPatientPhysiology('svt', 0.3, 'F', rng);
    const rate = (s: RhythmSchedule): number => rhythmTruth(s, DURATION).hrBpm!;
    const a = scheduleRhythm(p, p.hrBpm, DURATION, new Rng(1));
    const b = scheduleRhythm(p, p.hrBpm, DURATION, new Rng(2));
    expect(Math.abs(rate(a) - rate(b))).toBeLessThan(3);
    expect(a.ventricular[0]!.onset).not.toBe(b.ventricular[0]!.onset);
  });
});
