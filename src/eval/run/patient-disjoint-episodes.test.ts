import { describe, expect, it } from 'vitest';
import { FewbeatError } from '../../errors.js';
import { type PoolItem, patientDisjointEpisodes } from './patient-disjoint-episodes.js';

/** Class 0: 6 patients × 8 windows; class 1: 4 patients × 5 windows (like the four AF patients of MIT-BIH). */
const pool: PoolItem[] = [
  ...Array.from({ length: 48 }, (_, i) => ({ label: 0, patientId: `n${Math.floor(i / 8)}` })),
  ...Array.from({ length: 20 }, (_, i) => ({ label: 1, patientId: `a${Math.floor(i / 5)}` })),
];

describe('patientDisjointEpisodes', () => {
  const episodes = patientDisjointEpisodes(pool, 2, { shots: 5, queries: 4, episodes: 200, seed: 3 });

  it('draws K support and Q query windows per class, never a patient on both sides', () => {
    expect(episodes).toHaveLength(200);
    for (const e of episodes) {
      expect(e.supportLabels.filter((c) => c === 0)).toHaveLength(5);
      expect(e.supportLabels.filter((c) => c === 1)).toHaveLength(5);
      expect(e.queryLabels.filter((c) => c === 1)).toHaveLength(4);
      const supportPatients = new Set(e.support.map((i) => pool[i]!.patientId));
      for (const q of e.queries) expect(supportPatients.has(pool[q]!.patientId)).toBe(false);
      e.support.forEach((i, k) => expect(pool[i]!.label).toBe(e.supportLabels[k]));
      expect(new Set(e.support).size).toBe(e.support.length);
    }
  });

  it('varies which patients support and which are queried, and repeats itself with the same seed', () => {
    for (const patient of ['a0', 'a1', 'a2', 'a3']) {
      const has = (list: number[]): boolean => list.some((i) => pool[i]!.patientId === patient);
      expect(episodes.some((e) => has(e.support))).toBe(true);
      expect(episodes.some((e) => has(e.queries))).toBe(true);
    }
    expect(patientDisjointEpisodes(pool, 2, { shots: 5, queries: 4, episodes: 200, seed: 3 })).toEqual(episodes);
  });

  it('refuses a class of one patient, or halves too small for the shots, with one line', () => {
    const one = pool.filter((p) => p.label === 0 || p.patientId === 'a0');
    expect(() => patientDisjointEpisodes(one, 2, { shots: 1, queries: 1, episodes: 1, seed: 1 })).toThrow(
      /class 1 has 1 patient: patient-disjoint support and query sets need two/,
    );
    expect(() => patientDisjointEpisodes(pool, 2, { shots: 11, queries: 1, episodes: 1, seed: 1 })).toThrow(
      FewbeatError,
    );
  });
});
