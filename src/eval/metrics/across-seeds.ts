import { FewbeatError } from '../../errors.js';
import { studentT975 } from './student-t.js';

/**
 * One quantity measured once per seed (its own cohort, training run and episodes), summarised
 * across the S seeds. The seed is the unit of replication: each seed's value already averages
 * hundreds of episodes, so what is left between seeds is the variation of cohort and training run
 * that the per-seed episode intervals do not cover. (A type, not an interface, so that it fits the
 * loose objects of the metrics schemas.)
 */
export type AcrossSeeds = {
  /** mean over seeds, (1/S)·Σ x_s */
  mean: number;
  /** sample standard deviation across seeds, √(Σ (x_s − mean)² / (S − 1)) (ddof = 1) */
  sd: number;
  /** smallest and largest per-seed value */
  min: number;
  max: number;
  /**
   * 95 % confidence interval of the mean across seeds with Student's t, S − 1 degrees of freedom:
   * mean ± t_{0.975, S−1} · sd / √S. With 2 seeds t = 12.71, with 3 seeds 4.30: few seeds give a
   * wide interval, as they should.
   */
  ci95: [number, number];
  /** S, the number of seeds */
  n: number;
};

/**
 * Mean, spread and t interval of one value per seed (see {@link AcrossSeeds}).
 *
 * @param values one value per seed, at least two (one seed has no spread)
 * @param what the quantity, for the error message
 */
export function acrossSeeds(values: readonly number[], what = 'value'): AcrossSeeds {
  const n = values.length;
  if (n < 2)
    throw new FewbeatError(`${what}: a spread across seeds needs at least two seeds, got ${n}`, {
      location: 'acrossSeeds',
    });
  const bad = values.findIndex((v) => !Number.isFinite(v));
  if (bad >= 0)
    throw new FewbeatError(`${what}: seed ${bad + 1} of ${n} has no finite value (${values[bad]})`, {
      location: 'acrossSeeds',
    });
  const mean = values.reduce((a, b) => a + b, 0) / n;
  const sd = Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / (n - 1));
  const half = (studentT975(n - 1) * sd) / Math.sqrt(n);
  return { mean, sd, min: Math.min(...values), max: Math.max(...values), ci95: [mean - half, mean + half], n };
}
