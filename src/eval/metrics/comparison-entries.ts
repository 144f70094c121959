import { BaselineSchema, AblationSchema, type AblationJson, type BaselineJson } from './metrics-schema.js';
import { episodeAccuracies } from './episode-accuracy.js';
import { meanCi95 } from './mean-ci.js';
import { pairedDifferenceCi95 } from './paired-difference.js';
import { pooledMetrics } from './pooled-metrics.js';
import { poolPredictions, type QueryPrediction } from './pooled-predictions.js';
import { meanCiJson, type SettingDescription } from './setting-entry.js';

/**
 * A variant (baseline or ablation) compared with the full model on the *same* episodes: its own
 * pooled metrics plus the paired difference of episode accuracy, full minus variant,
 * mean(d) ± 1.96·sd(d)/√E with d_e = acc_full,e − acc_variant,e (sd with ddof = 1).
 */
function compareWithFull(
  variant: readonly QueryPrediction[],
  full: readonly QueryPrediction[],
  setting: SettingDescription,
) {
  const pooled = poolPredictions(variant, setting.classes);
  const metrics = pooledMetrics(pooled);
  const variantAcc = episodeAccuracies(pooled);
  const fullAcc = episodeAccuracies(poolPredictions(full, setting.classes));
  return {
    split: setting.split,
    ways: setting.ways,
    shots: setting.shots,
    episode_accuracy: meanCiJson(meanCi95([...variantAcc.values()])),
    difference_vs_full: meanCiJson(pairedDifferenceCi95(fullAcc, variantAcc)),
    balanced_accuracy: metrics.balancedAccuracy,
    auroc_macro: metrics.aurocMacro,
    f1_macro: metrics.f1Macro,
    ece: metrics.calibration.ece,
  };
}

/** Options of {@link baselineEntry} and {@link ablationEntry}. */
export interface ComparisonOptions {
  /** what the comparison tests, in words; shown in the report */
  question?: string;
}

/**
 * The `baselines[]` entry of metrics.json: a baseline's predictions on the same episodes as the
 * full model's `full` predictions (used for `difference_vs_full`, full minus baseline).
 */
export function baselineEntry(
  name: string,
  baseline: readonly QueryPrediction[],
  full: readonly QueryPrediction[],
  setting: SettingDescription,
  options: ComparisonOptions = {},
): BaselineJson {
  return BaselineSchema.parse({ name, ...options, ...compareWithFull(baseline, full, setting) });
}

/**
 * The `ablations[]` entry of metrics.json: an ablated variant's predictions on the same episodes
 * as the full model; `difference_vs_full` is full minus ablated, paired over episodes, so a CI
 * above zero means the removed part helps.
 */
export function ablationEntry(
  name: string,
  ablated: readonly QueryPrediction[],
  full: readonly QueryPrediction[],
  setting: SettingDescription,
  options: ComparisonOptions = {},
): AblationJson {
  return AblationSchema.parse({ name, ...options, ...compareWithFull(ablated, full, setting) });
}
