import { describe, expect, it } from 'vitest';
import { Rng } from '../util/rng.js';
import type { ClassId } from './classes.js';
import { STANDARD_12_LEADS } from './lead-projection.js';
import { drawPatientPhysiology } from './patient-physiology.js';
import { synthesizeRecording, type SyntheticRecording } from './synthesize-recording.js';

const FS = 500;
const lead = (r: SyntheticRecording, name: string): Float64Array => r.ecg.signals[r.ecg.leads.indexOf(name)]!;

/** Sum of a lead over [from, to) seconds after each ventricular onset inside the record. */
function area(r: SyntheticRecording, name: string, window: (qrs: number, qt: number) => [number, number]): number {
  const x = lead(r, name);
  let sum = 0;
  for (const v of r.schedule.ventricular) {
    const [a, b] = window(v.qrsDuration, v.qt);
    for (let i = Math.round((v.onset + a) * FS); i < Math.round((v.onset + b) * FS); i++)
      if (i >= 0 && i < x.length) sum += x[i]!;
  }
  return sum;
}

function extremes(r: SyntheticRecording, name: string): { max: number; min: number } {
  const x = lead(r, name);
  let max = 0;
  let min = 0;
  for (const v of r.schedule.ventricular) {
    for (let i = Math.round(v.onset * FS); i < Math.round((v.onset + v.qrsDuration) * FS); i++) {
      if (i < 0 || i >= x.length) continue;
      max = Math.max(max, x[i]!);
      min = Math.min(min, x[i]!);
    }
  }
  return { max, min };
}

function children(ageYears: number, n: number, seed: number, classId: ClassId = 'nsr'): SyntheticRecording[] {
  const rng = new Rng(seed);
  return Array.from({ length: n }, () => {
    const p = drawPatientPhysiology(classId, ageYears, rng.bernoulli(0.5) ? 'F' : 'M', rng);
    return synthesizeRecording(p, { fs: FS, duration: 4, leads: STANDARD_12_LEADS, noise: 'none', mainsHz: 50 }, rng);
  });
}

const qrsAxis = (r: SyntheticRecording): number => {
  const i = area(r, 'I', (q) => [0, q]);
  const f = area(r, 'aVF', (q) => [0, q]);
  return (Math.atan2(f, i) * 180) / Math.PI;
};
const fraction = <T>(xs: T[], p: (x: T) => boolean): number => xs.filter(p).length / xs.length;

describe('age-dependent physiology of normal children', () => {
  const neonates = children(10 / 365.25, 40, 1);
  const newborns = children(2 / 365.25, 30, 2);
  const schoolChildren = children(7, 40, 3);
  const adolescents = children(15, 40, 4);

  it('gives neonates a right QRS axis and school children a normal one', () => {
    expect(fraction(neonates, (r) => qrsAxis(r) > 90)).toBeGreaterThan(0.6);
    expect(fraction(schoolChildren, (r) => qrsAxis(r) > -30 && qrsAxis(r) < 110)).toBeGreaterThan(0.85);
  });

  it('gives infants a dominant R in V1 (RV dominance) and adolescents a dominant S', () => {
    const rOverS = (r: SyntheticRecording): number => {
      const e = extremes(r, 'V1');
      return e.max / -e.min;
    };
    expect(fraction(neonates, (r) => rOverS(r) > 1)).toBeGreaterThan(0.7);
    expect(fraction(adolescents, (r) => rOverS(r) < 1)).toBeGreaterThan(0.85);
  });

  it('inverts the T wave in V1 from the first week into childhood, upright in the first days', () => {
    const tV1 = (r: SyntheticRecording): number => area(r, 'V1', (q, qt) => [q, qt]);
    expect(fraction(schoolChildren, (r) => tV1(r) < 0)).toBeGreaterThan(0.9);
    expect(fraction(neonates, (r) => tV1(r) < 0)).toBeGreaterThan(0.7);
    expect(fraction(newborns, (r) => tV1(r) > 0)).toBeGreaterThan(0.7);
  });

  it('keeps T inverted in V2 of toddlers and turns it upright in V3 by adolescence', () => {
    const t =
      (name: string) =>
      (r: SyntheticRecording): number =>
        area(r, name, (q, qt) => [q, qt]);
    expect(fraction(children(2, 30, 5), (r) => t('V2')(r) < 0)).toBeGreaterThan(0.85);
    expect(fraction(adolescents, (r) => t('V3')(r) > 0)).toBeGreaterThan(0.8);
    expect(fraction(adolescents, (r) => t('V1')(r) < 0)).toBeGreaterThan(0.7);
  });

  it('makes QRS voltages in V5 larger in school children than in neonates', () => {
    const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
    const pp = (r: SyntheticRecording): number => {
      const e = extremes(r, 'V5');
      return e.max - e.min;
    };
    expect(median(schoolChildren.map(pp))).toBeGreaterThan(1.1 * median(neonates.map(pp)));
  });
});
