import { z } from 'zod';

/**
 * The schema of `metrics.json`, the file `fewbeat eval` writes beside `report.html` so that other
 * tools can read the results. Objects are loose: readers must ignore keys they do not know, and
 * later versions may add keys. Every number is finite; an undefined metric is `null` (with a
 * `*_reason` string where the reason is not obvious), never NaN.
 */

/** A mean over episodes with its 95 % CI, mean ± 1.96·sd/√E (sd with ddof = 1). */
export const MeanCi95Schema = z.looseObject({
  mean: z.number(),
  ci95: z.tuple([z.number(), z.number()]),
  /** sample standard deviation over episodes (ddof = 1) */
  sd: z.number().optional(),
  /** number of episodes */
  n: z.number().int().optional(),
});

/** One class, one-vs-rest, over the pooled queries of a setting. */
export const PerClassSchema = z.looseObject({
  f1: z.number(),
  /** null when undefined (the class had no positive or no negative query in its AUROC population) */
  auroc: z.number().nullable(),
  auroc_reason: z.string().optional(),
  sensitivity: z.number().nullable(),
  specificity: z.number().nullable(),
  support: z.number().int(),
  precision: z.number().optional(),
});

/** The pooled metrics of the queries of one age band. */
export const AgeBandMetricsSchema = z.looseObject({
  balanced_accuracy: z.number(),
  support: z.number().int(),
  accuracy: z.number().optional(),
  auroc_macro: z.number().nullable().optional(),
  f1_macro: z.number().optional(),
  ece: z.number().optional(),
});

/** One bin of the reliability diagram (equal-width confidence bins). */
export const ReliabilityBinSchema = z.looseObject({
  lower: z.number(),
  upper: z.number(),
  count: z.number().int(),
  accuracy: z.number().nullable(),
  confidence: z.number().nullable(),
});

/** ROC corner points of one class (fpr and tpr of equal length, from (0,0) to (1,1)). */
export const RocPointsSchema = z.looseObject({ fpr: z.array(z.number()), tpr: z.array(z.number()) });

/** One evaluation setting: a split, N-way K-shot Q-query, E episodes. */
export const SettingSchema = z.looseObject({
  /** `novel`, `base` or `generalised` (base and novel classes mixed) */
  split: z.string(),
  ways: z.number().int(),
  shots: z.number().int(),
  queries: z.number().int(),
  episodes: z.number().int(),
  /** the pooled class list; the order of `confusion_matrix` rows and columns */
  classes: z.array(z.string()),
  episode_accuracy: MeanCi95Schema,
  balanced_accuracy: z.number(),
  auroc_macro: z.number().nullable(),
  f1_macro: z.number(),
  ece: z.number(),
  per_class: z.record(z.string(), PerClassSchema),
  by_age_band: z.record(z.string(), AgeBandMetricsSchema),
  accuracy: z.number().optional(),
  log_loss: z.number().optional(),
  brier: z.number().optional(),
  /** rows = true class, columns = predicted class, both in `classes` order */
  confusion_matrix: z.array(z.array(z.number().int())).optional(),
  reliability: z.looseObject({ bins: z.array(ReliabilityBinSchema), ece: z.number(), mce: z.number() }).optional(),
  roc: z.record(z.string(), RocPointsSchema).optional(),
  /** percentile-bootstrap 95 % CIs of pooled metrics, resampling whole episodes */
  bootstrap_ci95: z
    .looseObject({
      balanced_accuracy: z.tuple([z.number(), z.number()]),
      auroc_macro: z.tuple([z.number(), z.number()]),
      resamples: z.number().int(),
      unit: z.literal('episode'),
    })
    .optional(),
});

/** A baseline evaluated on the same episodes as the full model. */
export const BaselineSchema = z.looseObject({
  /** e.g. `ecg-only-protonet`, `clinical-only`, `handcrafted-features`, `supervised-finetune` */
  name: z.string(),
  /** what the comparison tests, in words (shown in the report) */
  question: z.string().optional(),
  split: z.string(),
  ways: z.number().int(),
  shots: z.number().int(),
  balanced_accuracy: z.number(),
  episode_accuracy: MeanCi95Schema,
  auroc_macro: z.number().nullable().optional(),
  f1_macro: z.number().optional(),
  /** full model minus baseline, paired over the same episodes */
  difference_vs_full: MeanCi95Schema.optional(),
});

/** An ablated variant, paired with the full model on the same episodes. */
export const AblationSchema = z.looseObject({
  /** e.g. `no-contrastive`, `no-consistency`, `no-label-aware-negatives`, `fusion-early` */
  name: z.string(),
  /** what the ablation tests, in words, e.g. "does the cross-modal contrastive term help?" */
  question: z.string().optional(),
  split: z.string(),
  ways: z.number().int(),
  shots: z.number().int(),
  episode_accuracy: MeanCi95Schema,
  /** full minus ablated episode accuracy, paired over the same episodes */
  difference_vs_full: MeanCi95Schema,
  balanced_accuracy: z.number().optional(),
  auroc_macro: z.number().nullable().optional(),
});

/** The whole `metrics.json`. */
export const MetricsJsonSchema = z.looseObject({
  settings: z.array(SettingSchema),
  baselines: z.array(BaselineSchema).default([]),
  ablations: z.array(AblationSchema).default([]),
});

export type MeanCi95Json = z.infer<typeof MeanCi95Schema>;
export type PerClassJson = z.infer<typeof PerClassSchema>;
export type AgeBandMetricsJson = z.infer<typeof AgeBandMetricsSchema>;
export type SettingJson = z.infer<typeof SettingSchema>;
export type BaselineJson = z.infer<typeof BaselineSchema>;
export type AblationJson = z.infer<typeof AblationSchema>;
export type MetricsJson = z.infer<typeof MetricsJsonSchema>;
