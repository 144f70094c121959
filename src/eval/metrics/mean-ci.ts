import { FewbeatError } from '../../errors.js';

/** z quantile of the standard normal for a two-sided 95 % interval. */
export const Z_95 = 1.96;

/** A mean with its 95 % confidence interval. */
export interface MeanCi {
  mean: number;
  /** [mean − 1.96·sd/√n, mean + 1.96·sd/√n] */
  ci95: [number, number];
  /** sample standard deviation with Bessel's correction (ddof = 1); 0 when n = 1 */
  sd: number;
  /** number of values (episodes) */
  n: number;
}

/**
 * Mean and normal-approximation 95 % confidence interval over episodes, as the few-shot
 * literature reports it (e.g. Snell et al. 2017; Chen et al. 2019, 600 episodes):
 *
 *     mean ± 1.96 · sd / √E,   sd = √( Σ (x_e − mean)² / (E − 1) )   (ddof = 1).
 *
 * With a single value the interval collapses to the mean (sd reported as 0).
 *
 * @param values one value per episode, e.g. episode accuracy
 */
export function meanCi95(values: readonly number[]): MeanCi {
  const n = values.length;
  if (n === 0) throw new FewbeatError('cannot take the mean of zero episodes', { location: 'meanCi95' });
  const bad = values.findIndex((v) => !Number.isFinite(v));
  if (bad >= 0)
    throw new FewbeatError(`value ${values[bad]} is not a finite number`, { location: `meanCi95 values[${bad}]` });
  const mean = values.reduce((a, b) => a + b, 0) / n;
  const sd = n === 1 ? 0 : Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / (n - 1));
  const half = (Z_95 * sd) / Math.sqrt(n);
  return { mean, ci95: [mean - half, mean + half], sd, n };
}
