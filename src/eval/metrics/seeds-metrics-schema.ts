import { z } from 'zod';
import { MeanCi95Schema } from './metrics-schema.js';

/**
 * The schema of `metrics-across-seeds.json`, written by `fewbeat demo --seeds` beside the
 * side-by-side report: every seed's headline figures (each with its episode CI, which covers one
 * training run), their mean and spread across seeds, and the paired differences against each
 * baseline and ablation per seed and pooled. Each seed's full `metrics.json` (per class, age band,
 * calibration) stays in its own folder, named in `per_seed_reports`. Objects are loose; every
 * number is finite; an undefined metric is `null`.
 */

/** One quantity across S seeds: mean, SD (ddof = 1), min–max and the t interval of the mean. */
export const AcrossSeedsSchema = z.looseObject({
  mean: z.number(),
  sd: z.number(),
  min: z.number(),
  max: z.number(),
  /** mean ± t_{0.975, S−1}·sd/√S */
  ci95: z.tuple([z.number(), z.number()]),
  /** S, the number of seeds */
  n: z.number().int(),
});

/** The full model's figures on one seed. */
export const SeedSettingRowSchema = z.looseObject({
  seed: z.number().int(),
  /** mean over that seed's episodes with its 95 % CI (mean ± 1.96·sd/√E) */
  episode_accuracy: MeanCi95Schema,
  balanced_accuracy: z.number(),
  auroc_macro: z.number().nullable(),
  f1_macro: z.number(),
});

/** One evaluation setting of the full model, seed by seed and across seeds. */
export const SeedsSettingSchema = z.looseObject({
  split: z.string(),
  ways: z.number().int(),
  shots: z.number().int(),
  queries: z.number().int(),
  /** episodes per seed */
  episodes: z.number().int(),
  per_seed: z.array(SeedSettingRowSchema),
  across_seeds: z.looseObject({
    episode_accuracy: AcrossSeedsSchema,
    balanced_accuracy: AcrossSeedsSchema,
    /** null when a seed's macro AUROC is undefined */
    auroc_macro: AcrossSeedsSchema.nullable(),
    f1_macro: AcrossSeedsSchema,
  }),
});

/** A baseline or ablation on one seed, with its paired difference from that seed's full model. */
export const SeedComparisonRowSchema = z.looseObject({
  seed: z.number().int(),
  episode_accuracy: MeanCi95Schema,
  balanced_accuracy: z.number().nullable(),
  auroc_macro: z.number().nullable(),
  /** full minus this method, paired over the seed's episodes: mean ± 1.96·sd(d)/√E */
  difference_vs_full: MeanCi95Schema,
});

/** A baseline or ablation, seed by seed, across seeds, and its pooled paired difference. */
export const SeedsComparisonSchema = z.looseObject({
  name: z.string(),
  split: z.string(),
  ways: z.number().int(),
  shots: z.number().int(),
  per_seed: z.array(SeedComparisonRowSchema),
  across_seeds: z.looseObject({
    episode_accuracy: AcrossSeedsSchema,
    balanced_accuracy: AcrossSeedsSchema.nullable(),
    auroc_macro: AcrossSeedsSchema.nullable(),
  }),
  /**
   * The per-seed paired differences (their means) pooled across seeds: their mean, SD and
   * min–max, and the paired t interval with the seed as the unit, mean ± t_{0.975, S−1}·sd/√S.
   */
  pooled_difference_vs_full: AcrossSeedsSchema.extend({
    /** seeds whose own paired CI lies above 0 (full model better) */
    seeds_with_ci_above_zero: z.number().int(),
    /** seeds whose own paired CI lies below 0 (this method better) */
    seeds_with_ci_below_zero: z.number().int(),
  }),
});

/** The whole `metrics-across-seeds.json`. */
export const SeedsMetricsJsonSchema = z.looseObject({
  format: z.literal('fewbeat-metrics-across-seeds'),
  version: z.literal(1),
  seeds: z.array(z.number().int()).min(2),
  /** how the across-seed figures and the pooled differences are computed, in words and formulas */
  statistics: z.looseObject({ across_seeds: z.string(), pooled_difference: z.string(), per_seed: z.string() }),
  settings: z.array(SeedsSettingSchema),
  baselines: z.array(SeedsComparisonSchema),
  ablations: z.array(SeedsComparisonSchema),
  /** comparisons present in some seeds only, left out of the pooling (e.g. an ablation trained for one seed) */
  left_out: z.array(z.string()).default([]),
  /** each seed's own metrics.json and report.html, relative to the file */
  per_seed_reports: z
    .array(z.looseObject({ seed: z.number().int(), metrics: z.string(), report: z.string() }))
    .optional(),
});

export type AcrossSeedsJson = z.infer<typeof AcrossSeedsSchema>;
export type SeedsSettingJson = z.infer<typeof SeedsSettingSchema>;
export type SeedsComparisonJson = z.infer<typeof SeedsComparisonSchema>;
export type SeedsMetricsJson = z.infer<typeof SeedsMetricsJsonSchema>;
