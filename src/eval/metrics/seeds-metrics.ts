import { FewbeatError } from '../../errors.js';
import { acrossSeeds, type AcrossSeeds } from './across-seeds.js';
import type { AblationJson, BaselineJson, MetricsJson, SettingJson } from './metrics-schema.js';
import {
  SeedsMetricsJsonSchema,
  type SeedsComparisonJson,
  type SeedsMetricsJson,
  type SeedsSettingJson,
} from './seeds-metrics-schema.js';

/** One seed's evaluation: its own cohort, training run and episodes, and the metrics.json they gave. */
export interface SeedRun {
  seed: number;
  metrics: Pick<MetricsJson, 'settings' | 'baselines' | 'ablations'>;
}

/** How the figures of `metrics-across-seeds.json` are computed, written into the file itself. */
export const SEEDS_STATISTICS = {
  per_seed:
    "each seed's figures as in its own metrics.json: episode accuracy with its 95 % CI over that seed's " +
    'E episodes, mean ± 1.96·sd/√E; it covers the episodes of one cohort and one training run only',
  across_seeds:
    'over the S seeds (each its own synthetic cohort, training run and episodes): mean of the per-seed ' +
    'values, SD with ddof = 1, min and max, and the 95 % CI of the mean with Student t and the seed as the ' +
    'unit, mean ± t(0.975, S−1)·SD/√S',
  pooled_difference:
    "mean over seeds of each seed's paired difference (full model minus the other method, episode accuracy " +
    'on the same episodes); 95 % CI = mean ± t(0.975, S−1)·SD/√S over the S per-seed differences: a paired ' +
    't interval with the seed as the replicate (Dietterich 1998, Neural Computation 10:1895; Bouthillier et ' +
    'al. 2021, MLSys), so it carries the cohort-and-training variation that an interval over pooled episodes ' +
    'would leave out',
} as const;

const settingKey = (s: { split: string; ways: number; shots: number }): string =>
  `${s.split} ${s.ways}-way ${s.shots}-shot`;

/** Across seeds, or null when a seed's value is undefined (e.g. a macro AUROC without both classes). */
function acrossOrNull(values: readonly (number | null | undefined)[], what: string): AcrossSeeds | null {
  return values.every((v): v is number => typeof v === 'number') ? acrossSeeds(values, what) : null;
}

function settingAcrossSeeds(runs: readonly SeedRun[], first: SettingJson): SeedsSettingJson {
  const key = settingKey(first);
  const rows = runs.map((r) => {
    const s = r.metrics.settings.find((x) => settingKey(x) === key);
    if (!s) throw new FewbeatError(`seed ${r.seed} has no ${key} setting`, { location: 'metrics across seeds' });
    return { seed: r.seed, s };
  });
  const of = (f: (s: SettingJson) => number): number[] => rows.map((r) => f(r.s));
  return {
    split: first.split,
    ways: first.ways,
    shots: first.shots,
    queries: first.queries,
    episodes: first.episodes,
    per_seed: rows.map(({ seed, s }) => ({
      seed,
      episode_accuracy: s.episode_accuracy,
      balanced_accuracy: s.balanced_accuracy,
      auroc_macro: s.auroc_macro,
      f1_macro: s.f1_macro,
    })),
    across_seeds: {
      episode_accuracy: acrossSeeds(
        of((s) => s.episode_accuracy.mean),
        `${key} episode accuracy`,
      ),
      balanced_accuracy: acrossSeeds(
        of((s) => s.balanced_accuracy),
        `${key} balanced accuracy`,
      ),
      auroc_macro: acrossOrNull(
        rows.map((r) => r.s.auroc_macro),
        `${key} macro AUROC`,
      ),
      f1_macro: acrossSeeds(
        of((s) => s.f1_macro),
        `${key} macro F1`,
      ),
    },
  };
}

type Comparison = BaselineJson | AblationJson;

function comparisonAcrossSeeds(
  name: string,
  rows: ReadonlyArray<{ seed: number; c: Comparison }>,
): SeedsComparisonJson {
  const first = (rows[0] as { c: Comparison }).c;
  const what = `${name} ${settingKey(first)}`;
  const perSeed = rows.map(({ seed, c }) => {
    if (!c.difference_vs_full)
      throw new FewbeatError(`seed ${seed}: ${what} has no paired difference from the full model`, {
        location: 'metrics across seeds',
      });
    return {
      seed,
      episode_accuracy: c.episode_accuracy,
      balanced_accuracy: c.balanced_accuracy ?? null,
      auroc_macro: c.auroc_macro ?? null,
      difference_vs_full: c.difference_vs_full,
    };
  });
  const differences = perSeed.map((r) => r.difference_vs_full);
  return {
    name,
    split: first.split,
    ways: first.ways,
    shots: first.shots,
    per_seed: perSeed,
    across_seeds: {
      episode_accuracy: acrossSeeds(
        perSeed.map((r) => r.episode_accuracy.mean),
        `${what} episode accuracy`,
      ),
      balanced_accuracy: acrossOrNull(
        perSeed.map((r) => r.balanced_accuracy),
        `${what} balanced accuracy`,
      ),
      auroc_macro: acrossOrNull(
        perSeed.map((r) => r.auroc_macro),
        `${what} macro AUROC`,
      ),
    },
    pooled_difference_vs_full: {
      ...acrossSeeds(
        differences.map((d) => d.mean),
        `${what} paired difference`,
      ),
      seeds_with_ci_above_zero: differences.filter((d) => d.ci95[0] > 0).length,
      seeds_with_ci_below_zero: differences.filter((d) => d.ci95[1] < 0).length,
    },
  };
}

/**
 * Baselines or ablations across seeds: one entry per (name, setting) that every seed has, in the
 * first seed's order; those only some seeds have are named in `leftOut`.
 */
function comparisonsAcrossSeeds(
  runs: readonly SeedRun[],
  pick: (m: SeedRun['metrics']) => readonly Comparison[],
  leftOut: string[],
): SeedsComparisonJson[] {
  const keyOf = (c: Comparison): string => `${c.name} ${settingKey(c)}`;
  const keys = [...new Set(runs.flatMap((r) => pick(r.metrics).map(keyOf)))];
  const out: SeedsComparisonJson[] = [];
  for (const key of keys) {
    const rows = runs.flatMap((r) => {
      const c = pick(r.metrics).find((x) => keyOf(x) === key);
      return c ? [{ seed: r.seed, c }] : [];
    });
    if (rows.length < runs.length) {
      leftOut.push(`${key}: seeds ${rows.map((r) => r.seed).join(', ')} only`);
      continue;
    }
    out.push(comparisonAcrossSeeds((rows[0] as { c: Comparison }).c.name, rows));
  }
  return out;
}

/**
 * The results of several seeds side by side (`metrics-across-seeds.json`): for every setting of
 * the full model and every baseline and ablation, each seed's figures (with that seed's episode
 * CI), their mean, SD (ddof = 1), min–max and t interval across seeds ({@link acrossSeeds}), and
 * for each baseline and ablation the paired difference per seed and pooled:
 *
 *     d_s = mean over seed s's episodes of (acc_full,e − acc_other,e)     (each seed's paired difference)
 *     pooled = (1/S)·Σ d_s,   95 % CI = pooled ± t_{0.975, S−1} · sd(d_s) / √S
 *
 * The seed is the replicate: a bootstrap over the pooled episodes would hold the S trained models
 * and cohorts fixed and give an interval too narrow for the question "does the method beat the
 * baseline on a new cohort and training run?". Every seed's episodes are its own and equally many,
 * so the mean of per-seed episode accuracies is also the mean over all episodes.
 *
 * @param runs one entry per seed, in the order to report them; at least two
 */
export function seedsMetrics(runs: readonly SeedRun[]): SeedsMetricsJson {
  if (runs.length < 2)
    throw new FewbeatError(`results across seeds need at least two seeds, got ${runs.length}`, {
      location: 'metrics across seeds',
    });
  const seeds = runs.map((r) => r.seed);
  const repeated = seeds.find((s, i) => seeds.indexOf(s) !== i);
  if (repeated !== undefined)
    throw new FewbeatError(`seed ${repeated} appears twice`, { location: 'metrics across seeds' });
  const first = runs[0] as SeedRun;
  const leftOut: string[] = [];
  return SeedsMetricsJsonSchema.parse({
    format: 'fewbeat-metrics-across-seeds',
    version: 1,
    seeds,
    statistics: SEEDS_STATISTICS,
    settings: first.metrics.settings.map((s) => settingAcrossSeeds(runs, s)),
    baselines: comparisonsAcrossSeeds(runs, (m) => m.baselines, leftOut),
    ablations: comparisonsAcrossSeeds(runs, (m) => m.ablations, leftOut),
    left_out: leftOut,
  });
}
