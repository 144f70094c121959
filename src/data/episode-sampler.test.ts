import { describe, expect, it } from 'vitest';
import { EpisodeSampler, type LabelledItem } from './episode-sampler.js';

/** `patients` children per class, each with `recordings` recordings. */
function cohort(classes: Record<string, number>, recordings = 2): LabelledItem[] {
  const items: LabelledItem[] = [];
  for (const [label, patients] of Object.entries(classes)) {
    for (let p = 0; p < patients; p++)
      for (let r = 0; r < recordings; r++) items.push({ label, patientId: `${label}-${p}` });
  }
  return items;
}

describe('EpisodeSampler', () => {
  const items = cohort({ nsr: 20, svt: 16, wpw: 15, lqts: 18, chb: 30, pvc: 12 });

  it('draws N classes with K support and Q query recordings each', () => {
    const s = new EpisodeSampler(items, { ways: 5, shots: 2, queries: 3, seed: 1 });
    const e = s.episode(0);
    expect(e.classes).toHaveLength(5);
    expect(new Set(e.classes).size).toBe(5);
    expect(e.support).toHaveLength(10);
    expect(e.query).toHaveLength(15);
    e.support.forEach((i, k) => expect(items[i]?.label).toBe(e.classes[e.supportLabels[k] as number]));
    e.query.forEach((i, k) => expect(items[i]?.label).toBe(e.classes[e.queryLabels[k] as number]));
  });

  it(
    'serves the scarcest class first when children carry several classes (as real ' +
      'records with sinus and AF windows do)',
    () => {
      // afib: children a and b only; nsr: a, b, c, d. Were nsr served first it could take a or b and starve afib.
      const shared: LabelledItem[] = [
        { label: 'afib', patientId: 'a' },
        { label: 'afib', patientId: 'b' },
        ...['a', 'b', 'c', 'd'].map((patientId) => ({ label: 'nsr', patientId })),
      ];
      const s = new EpisodeSampler(shared, { ways: 2, shots: 1, queries: 1, seed: 3 });
      for (const e of s.episodes(100)) {
        const afib = e.classes.indexOf('afib');
        const afibChildren = [...e.support, ...e.query]
          .filter((_, k) => [...e.supportLabels, ...e.queryLabels][k] === afib)
          .map((i) => shared[i]?.patientId);
        expect(afibChildren.sort()).toEqual(['a', 'b']);
      }
    },
  );

  it('never puts one child in both support and query, nor twice in an episode', () => {
    const s = new EpisodeSampler(items, { ways: 5, shots: 5, queries: 5, seed: 7 });
    for (const e of s.episodes(50)) {
      const patients = [...e.support, ...e.query].map((i) => items[i]?.patientId);
      expect(new Set(patients).size).toBe(patients.length);
    }
  });

  it('gives the same episode for the same seed and index, whatever the order of calls', () => {
    const a = new EpisodeSampler(items, { ways: 3, shots: 1, queries: 4, seed: 42 });
    const b = new EpisodeSampler(items, { ways: 3, shots: 1, queries: 4, seed: 42 });
    const later = b.episode(9);
    expect(a.episodes(10)[9]).toEqual(later);
    expect(new EpisodeSampler(items, { ways: 3, shots: 1, queries: 4, seed: 43 }).episode(9)).not.toEqual(later);
  });

  it('draws every class of the pool over many episodes', () => {
    const s = new EpisodeSampler(items, { ways: 2, shots: 1, queries: 1, seed: 3 });
    const seen = new Set(s.episodes(60).flatMap((e) => e.classes));
    expect([...seen].sort()).toEqual(['chb', 'lqts', 'nsr', 'pvc', 'svt', 'wpw']);
  });

  it('restricts episodes to the class pool it is given', () => {
    const s = new EpisodeSampler(items, { ways: 2, shots: 1, queries: 1, seed: 3, classes: ['svt', 'wpw'] });
    for (const e of s.episodes(10)) expect([...e.classes].sort()).toEqual(['svt', 'wpw']);
  });

  it('fails early with the numbers when a class has too few patients', () => {
    const small = cohort({ nsr: 20, svt: 3, wpw: 20 });
    expect(() => new EpisodeSampler(small, { ways: 3, shots: 5, queries: 10, seed: 1 })).toThrow(
      'class svt has 3 patients but 5-shot + 10-query needs 15',
    );
  });

  it('counts patients, not recordings, when checking the class sizes', () => {
    const manyRecordings = cohort({ nsr: 4, svt: 4 }, 10);
    expect(() => new EpisodeSampler(manyRecordings, { ways: 2, shots: 2, queries: 3, seed: 1 })).toThrow(
      'class nsr has 4 patients',
    );
  });

  it('refuses more ways than classes and non-integer shapes', () => {
    expect(() => new EpisodeSampler(items, { ways: 7, shots: 1, queries: 1, seed: 1 })).toThrow(
      '7-way episodes need 7 classes but the pool has 6',
    );
    expect(() => new EpisodeSampler(items, { ways: 2, shots: 0, queries: 1, seed: 1 })).toThrow(
      'shots must be an integer >= 1',
    );
  });
});
