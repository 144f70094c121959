import { describe, expect, it } from 'vitest';
import { Rng } from '../../util/rng.js';
import { bootstrapCi } from './bootstrap-ci.js';
import { meanCi95 } from './mean-ci.js';
import { pairedDifferenceCi95 } from './paired-difference.js';

describe('meanCi95', () => {
  it('is mean ± 1.96·sd/√n with the ddof = 1 standard deviation, by hand', () => {
    const r = meanCi95([0.6, 0.8, 1.0]); // mean 0.8, sd = √((0.04 + 0 + 0.04) / 2) = 0.2
    expect(r.mean).toBeCloseTo(0.8, 15);
    expect(r.sd).toBeCloseTo(0.2, 15);
    expect(r.ci95[0]).toBeCloseTo(0.8 - (1.96 * 0.2) / Math.sqrt(3), 15);
    expect(r.ci95[1]).toBeCloseTo(0.8 + (1.96 * 0.2) / Math.sqrt(3), 15);
  });

  it('refuses an empty list or a NaN instead of returning NaN', () => {
    expect(() => meanCi95([])).toThrow(/zero episodes/);
    expect(() => meanCi95([0.5, Number.NaN])).toThrow(/values\[1\]/);
  });
});

describe('pairedDifferenceCi95', () => {
  it('takes the CI of the per-episode differences, full minus ablated', () => {
    const full = new Map([
      [0, 0.9],
      [1, 0.7],
      [2, 0.8],
    ]);
    const ablated = new Map([
      [2, 0.6],
      [0, 0.8],
      [1, 0.7],
    ]); // differences 0.1, 0, 0.2
    const r = pairedDifferenceCi95(full, ablated);
    expect(r.mean).toBeCloseTo(0.1, 15);
    expect(r.sd).toBeCloseTo(0.1, 15);
    expect(r.ci95[0]).toBeCloseTo(0.1 - (1.96 * 0.1) / Math.sqrt(3), 15);
  });

  it('is much narrower than unpaired intervals when episodes share their difficulty', () => {
    const rng = new Rng(3);
    const full = new Map<number, number>();
    const ablated = new Map<number, number>();
    for (let e = 0; e < 600; e++) {
      const difficulty = rng.normal(0.7, 0.15);
      full.set(e, difficulty + 0.02 + rng.normal(0, 0.01));
      ablated.set(e, difficulty + rng.normal(0, 0.01));
    }
    const d = pairedDifferenceCi95(full, ablated);
    expect(d.ci95[0]).toBeGreaterThan(0);
    expect(d.mean).toBeCloseTo(0.02, 2);
  });

  it('refuses variants evaluated on different episodes', () => {
    expect(() =>
      pairedDifferenceCi95(
        new Map([
          [0, 1],
          [1, 1],
        ]),
        new Map([
          [0, 1],
          [2, 1],
        ]),
      ),
    ).toThrow(/episode 1 has a full-model result but no ablated one/);
    expect(() =>
      pairedDifferenceCi95(
        new Map([[0, 1]]),
        new Map([
          [0, 1],
          [2, 1],
        ]),
      ),
    ).toThrow(/episode 2 has an ablated result/);
  });
});

describe('bootstrapCi', () => {
  const rng = new Rng(11);
  const hits = Array.from({ length: 400 }, () => (rng.bernoulli(0.8) ? 1 : 0));
  const mean = (idx: readonly number[]): number => idx.reduce((a, i) => a + (hits[i] as number), 0) / idx.length;

  it('agrees with the normal interval for a mean of 400 Bernoulli trials', () => {
    const boot = bootstrapCi(hits.length, mean, { seed: 5, resamples: 2000 });
    const p = mean(hits.map((_, i) => i));
    const half = 1.96 * Math.sqrt((p * (1 - p)) / hits.length);
    expect(boot.value).toBe(p);
    expect(boot.ci[0]).toBeCloseTo(p - half, 2);
    expect(boot.ci[1]).toBeCloseTo(p + half, 2);
  });

  it('is reproducible from its seed and resamples whole groups when asked', () => {
    const a = bootstrapCi(hits.length, mean, { seed: 9, resamples: 200 });
    expect(bootstrapCi(hits.length, mean, { seed: 9, resamples: 200 })).toEqual(a);
    const sizes = new Set<number>();
    bootstrapCi(6, (idx) => (sizes.add(idx.length), 0), { seed: 1, resamples: 20, groups: [0, 0, 0, 1, 1, 1] });
    expect(sizes).toEqual(new Set([6]));
  });
});
