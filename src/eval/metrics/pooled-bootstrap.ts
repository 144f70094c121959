import { aurocOfTieGroups, meanOfDefined } from './auroc.js';
import { balancedAccuracy } from './balanced-accuracy.js';
import { bootstrapCi, type BootstrapCi } from './bootstrap-ci.js';
import { confusionMatrix } from './confusion-matrix.js';
import type { PooledPredictions } from './pooled-predictions.js';
import { tieGroups } from './tie-groups.js';

/** Options of {@link pooledBootstrapCis}. */
export interface PooledBootstrapOptions {
  seed: number;
  /** @default 1000 */
  resamples?: number;
}

/** Bootstrap 95 % intervals of the pooled headline metrics. */
export interface PooledBootstrapCis {
  balancedAccuracy: BootstrapCi;
  aurocMacro: BootstrapCi;
}

/**
 * Percentile-bootstrap 95 % CIs of pooled balanced accuracy and macro AUROC, resampling whole
 * episodes (the queries of an episode share its support set, so they are not independent).
 * Both statistics see the same resamples (same seed).
 *
 * A resample is a multiset of the original queries, so each statistic is evaluated with the
 * queries weighted by how often they were drawn: balanced accuracy from the weighted confusion
 * matrix, AUROC per class from score tie groups sorted once ({@link aurocOfTieGroups}), which keeps
 * one resample O(N·K) instead of O(K·N log N).
 */
export function pooledBootstrapCis(pooled: PooledPredictions, options: PooledBootstrapOptions): PooledBootstrapCis {
  const common = {
    seed: options.seed,
    groups: pooled.episodes,
    ...(options.resamples === undefined ? {} : { resamples: options.resamples }),
  };
  const n = pooled.yTrue.length;
  const k = pooled.classes.length;
  const counts = new Float64Array(n);
  const countsOf = (indices: readonly number[]): Float64Array => {
    counts.fill(0);
    for (const i of indices) counts[i] = (counts[i] as number) + 1;
    return counts;
  };
  // Per class: its AUROC population (queries whose episode offered it), grouped by equal score.
  const populations = pooled.classes.map((_, c) => {
    const members = pooled.inEpisode.flatMap((m, i) => (m[c] ? [i] : []));
    const local = tieGroups(members.map((i) => (pooled.scores[i] as number[])[c] as number));
    return {
      groups: local.map((g) => g.map((j) => members[j] as number)),
      isPositive: pooled.yTrue.map((t) => t === c),
    };
  });
  const balancedAccuracyOf = (indices: readonly number[]): number =>
    balancedAccuracy(confusionMatrix(pooled.yTrue, pooled.yPred, k, countsOf(indices)));
  const aurocMacro = (indices: readonly number[]): number | null => {
    const w = countsOf(indices);
    return meanOfDefined(populations.map((p) => aurocOfTieGroups(p.groups, p.isPositive, w).value));
  };
  return {
    balancedAccuracy: bootstrapCi(n, balancedAccuracyOf, common),
    aurocMacro: bootstrapCi(n, aurocMacro, common),
  };
}
