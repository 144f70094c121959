import { describe, expect, it } from 'vitest';
import { EpisodeSampler, type LabelledItem } from './episode-sampler.js';

/** Per class, `synth` synthetic and `real` real children of one recording each, ids namespaced by cohort. */
function mixedItems(classes: Record<string, { synth: number; real: number }>): LabelledItem[] {
  const items: LabelledItem[] = [];
  for (const [label, n] of Object.entries(classes)) {
    for (let p = 0; p < n.synth; p++) items.push({ label, patientId: `synth:${label}-${p}` });
    for (let p = 0; p < n.real; p++) items.push({ label, patientId: `real:${label}-${p}` });
  }
  return items;
}

describe('EpisodeSampler with cohort weights', () => {
  const counts = { nsr: { synth: 30, real: 10 }, afib: { synth: 20, real: 20 }, pvc: { synth: 40, real: 5 } };
  const items = mixedItems(counts);
  const sampler = (realWeight: number): EpisodeSampler =>
    new EpisodeSampler(items, {
      ways: 3,
      shots: 2,
      queries: 2,
      seed: 4,
      patientWeight: (p) => (p.startsWith('real:') ? realWeight : 1),
    });

  /** Share of episodes whose first support patient of class `c` is real. */
  const firstDrawRealShare = (s: EpisodeSampler, c: string, episodes: number): number => {
    let real = 0;
    for (const e of s.episodes(episodes)) {
      const k = e.classes.indexOf(c);
      const first = e.support[e.supportLabels.indexOf(k)] as number;
      if (items[first]?.patientId.startsWith('real:')) real++;
    }
    return real / episodes;
  };

  it.each([0.25, 1, 4])(
    'draws the first patient of a class from the real cohort with probability ' +
      'w·n_real / (w·n_real + n_synth) at weight %s',
    (w) => {
      const s = sampler(w);
      const episodes = 4000;
      for (const [c, n] of Object.entries(counts)) {
        const expected = (w * n.real) / (w * n.real + n.synth);
        // 4000 Bernoulli draws: standard error at most 0.008; 4 standard errors of slack.
        expect(Math.abs(firstDrawRealShare(s, c, episodes) - expected)).toBeLessThan(0.032);
      }
    },
  );

  it('draws more real examples overall as the real weight grows, and the same classes at any weight', () => {
    const realShare = (w: number): number => {
      const eps = sampler(w).episodes(500);
      const all = eps.flatMap((e) => [...e.support, ...e.query]);
      return all.filter((i) => items[i]?.patientId.startsWith('real:')).length / all.length;
    };
    expect(realShare(0.25)).toBeLessThan(realShare(1));
    expect(realShare(1)).toBeLessThan(realShare(4));
    expect(
      sampler(0.25)
        .episodes(50)
        .map((e) => e.classes),
    ).toEqual(
      sampler(4)
        .episodes(50)
        .map((e) => e.classes),
    );
  });

  it('keeps every child at most once per episode', () => {
    for (const e of sampler(4).episodes(200)) {
      const patients = [...e.support, ...e.query].map((i) => items[i]?.patientId);
      expect(new Set(patients).size).toBe(patients.length);
    }
  });
});
