import { FewbeatError } from '../../errors.js';
import { Rng } from '../../util/rng.js';
import { quantileOfSorted } from '../../util/quantile.js';

/** A statistic with its bootstrap percentile interval. */
export interface BootstrapCi {
  /** the statistic on the original sample */
  value: number;
  /** [lower, upper] percentile interval at the requested level */
  ci: [number, number];
  level: number;
  /** resamples whose statistic was finite (undefined statistics, e.g. AUROC without positives, are skipped) */
  resamples: number;
}

/** Options of {@link bootstrapCi}. */
export interface BootstrapOptions {
  /** seed of the resampling generator (src/util/rng.ts) */
  seed: number;
  /** @default 1000 */
  resamples?: number;
  /** @default 0.95 */
  level?: number;
  /**
   * Resample whole groups instead of single items, e.g. the episode of each query, so that the
   * queries of one episode (which share a support set) stay together. One group id per item.
   */
  groups?: readonly number[];
}

/**
 * Percentile bootstrap confidence interval (Efron & Tibshirani 1993) for a statistic of pooled
 * predictions such as balanced accuracy or macro AUROC: draw `resamples` samples of the items with
 * replacement (or of whole groups), evaluate the statistic on each, and take the (1−level)/2 and
 * (1+level)/2 quantiles (linear interpolation, numpy's default). Seeded, so reproducible.
 *
 * @param itemCount N, the number of items (queries)
 * @param statistic evaluates the statistic on a list of item indices (with repeats); return NaN or null when undefined
 */
export function bootstrapCi(
  itemCount: number,
  statistic: (indices: readonly number[]) => number | null,
  options: BootstrapOptions,
): BootstrapCi {
  if (itemCount < 1) throw new FewbeatError('cannot bootstrap zero items', { location: 'bootstrapCi' });
  const resamples = options.resamples ?? 1000;
  const level = options.level ?? 0.95;
  const groups = groupMembers(itemCount, options.groups);
  const rng = new Rng(options.seed);
  const all = Array.from({ length: itemCount }, (_, i) => i);
  const value = statistic(all) ?? Number.NaN;
  const stats: number[] = [];
  for (let r = 0; r < resamples; r++) {
    const indices: number[] = [];
    for (let g = 0; g < groups.length; g++) indices.push(...(groups[rng.int(0, groups.length - 1)] as number[]));
    const s = statistic(indices);
    if (s !== null && Number.isFinite(s)) stats.push(s);
  }
  if (stats.length === 0)
    throw new FewbeatError('the statistic is undefined on every bootstrap resample', { location: 'bootstrapCi' });
  stats.sort((a, b) => a - b);
  return {
    value,
    ci: [quantileOfSorted(stats, (1 - level) / 2), quantileOfSorted(stats, (1 + level) / 2)],
    level,
    resamples: stats.length,
  };
}

/** Item indices per group; each item its own group when no group ids are given. */
function groupMembers(itemCount: number, groupIds: readonly number[] | undefined): number[][] {
  if (groupIds === undefined) return Array.from({ length: itemCount }, (_, i) => [i]);
  if (groupIds.length !== itemCount)
    throw new FewbeatError(`groups has ${groupIds.length} ids for ${itemCount} items`, { location: 'bootstrapCi' });
  const byGroup = new Map<number, number[]>();
  groupIds.forEach((g, i) => {
    const members = byGroup.get(g);
    if (members) members.push(i);
    else byGroup.set(g, [i]);
  });
  return [...byGroup.values()];
}
