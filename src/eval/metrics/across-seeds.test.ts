import { describe, expect, it } from 'vitest';
import { acrossSeeds } from './across-seeds.js';
import { studentT975 } from './student-t.js';

describe('studentT975', () => {
  // scipy.stats.t.ppf(0.975, df), scipy 1.x
  const SCIPY: Array<[number, number]> = [
    [1, 12.706204736174698],
    [2, 4.302652729749464],
    [3, 3.182446305284263],
    [10, 2.228138851986274],
    [30, 2.0422724563012378],
    [31, 2.039513446396408],
    [40, 2.021075390306273],
    [60, 2.0002978220142604],
    [120, 1.9799304050824402],
    [1000, 1.9623390808264083],
  ];

  it("matches scipy's t quantile from the table (ν ≤ 30) and the Cornish–Fisher expansion beyond", () => {
    for (const [df, expected] of SCIPY) expect(Math.abs(studentT975(df) - expected), `df ${df}`).toBeLessThan(1e-5);
  });

  it('refuses degrees of freedom that are not integers ≥ 1', () => {
    expect(() => studentT975(0)).toThrow(/integer ≥ 1, got 0/);
    expect(() => studentT975(2.5)).toThrow(/got 2.5/);
  });
});

describe('acrossSeeds', () => {
  it('is the mean, the ddof = 1 SD, min–max and mean ± t(0.975, S−1)·SD/√S, by hand for three seeds', () => {
    // mean 0.85; SD = √((0.0025 + 0 + 0.0025) / 2) = 0.05; t(0.975, 2) = 4.302653;
    // half-width 4.302653 · 0.05 / √3 = 0.124207 → [0.725793, 0.974207]
    const r = acrossSeeds([0.8, 0.85, 0.9]);
    expect(r.mean).toBeCloseTo(0.85, 12);
    expect(r.sd).toBeCloseTo(0.05, 12);
    expect([r.min, r.max, r.n]).toEqual([0.8, 0.9, 3]);
    expect(r.ci95[0]).toBeCloseTo(0.725793, 6);
    expect(r.ci95[1]).toBeCloseTo(0.974207, 6);
  });

  it('gives two seeds the wide interval their single degree of freedom allows', () => {
    // SD = 0.1/√2; half-width 12.706205 · (0.1/√2) / √2 = 0.635310
    const r = acrossSeeds([0.7, 0.8]);
    expect(r.ci95[0]).toBeCloseTo(0.75 - 0.63531, 5);
    expect(r.ci95[1]).toBeCloseTo(0.75 + 0.63531, 5);
  });

  it('refuses one seed and a seed without a finite value, naming the quantity', () => {
    expect(() => acrossSeeds([0.8], 'novel 5-shot AUROC')).toThrow(/novel 5-shot AUROC: .*at least two seeds, got 1/);
    expect(() => acrossSeeds([0.8, Number.NaN], 'F1')).toThrow(/F1: seed 2 of 2 has no finite value/);
  });
});
