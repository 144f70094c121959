import { AGE_BAND_IDS } from '../../clinical/age-bands.js';
import { FewbeatError } from '../../errors.js';
import { episodeAccuracies } from './episode-accuracy.js';
import { meanCi95, type MeanCi } from './mean-ci.js';
import {
  SettingSchema,
  type AgeBandMetricsJson,
  type MeanCi95Json,
  type PerClassJson,
  type SettingJson,
} from './metrics-schema.js';
import { pooledBootstrapCis, type PooledBootstrapOptions } from './pooled-bootstrap.js';
import { pooledMetrics, type PooledMetricsOptions } from './pooled-metrics.js';
import { poolPredictions, subsetPooled, type QueryPrediction } from './pooled-predictions.js';

/** What was evaluated: the split and the episode shape. */
export interface SettingDescription {
  /** `novel`, `base` or `generalised` */
  split: string;
  /** N classes per episode */
  ways: number;
  /** K support examples per class */
  shots: number;
  /** Q query examples per class */
  queries: number;
  /** the pooled class list and its order (default: classes in order of first appearance) */
  classes?: readonly string[];
}

/** Options of {@link settingEntry}. */
export interface SettingEntryOptions extends PooledMetricsOptions {
  /** add `bootstrap_ci95` (episode-level percentile bootstrap of balanced accuracy and macro AUROC) */
  bootstrap?: PooledBootstrapOptions;
}

/**
 * The `settings[]` entry of metrics.json for one setting, from every query prediction of its
 * episodes (see {@link pooledMetrics} for how pooled metrics are computed):
 *
 * - `episode_accuracy`: mean ± 1.96·sd/√E over the E episodes' accuracies (sd with ddof = 1);
 * - `balanced_accuracy`, `auroc_macro`, `f1_macro`, `ece`, `accuracy`, `log_loss`, `brier`,
 *   `confusion_matrix`, `reliability`, `roc`, and `per_class` over the pooled queries;
 * - `by_age_band`: the same pooled metrics restricted to the queries of each age band, bands in
 *   the order of src/clinical/age-bands.ts (queries without a band count as `unknown`);
 * - `bootstrap_ci95` when `options.bootstrap` is given (see {@link pooledBootstrapCis}).
 *
 * The result is validated against {@link SettingSchema}: no NaN reaches the JSON.
 *
 * @example
 *   const entry = settingEntry(predictions, { split: 'novel', ways: 5, shots: 5, queries: 10 });
 */
export function settingEntry(
  predictions: readonly QueryPrediction[],
  setting: SettingDescription,
  options: SettingEntryOptions = {},
): SettingJson {
  if (predictions.length === 0)
    throw new FewbeatError(
      `setting ${setting.split} ${setting.ways}-way ${setting.shots}-shot has no query predictions`,
      { location: 'settingEntry' },
    );
  const pooled = poolPredictions(predictions, setting.classes);
  const metrics = pooledMetrics(pooled, options);
  const perEpisode = episodeAccuracies(pooled);
  const per_class: Record<string, PerClassJson> = {};
  pooled.classes.forEach((c, k) => {
    const m = metrics.perClass[k] as (typeof metrics.perClass)[number];
    per_class[c] = {
      f1: m.f1,
      auroc: m.auroc.value,
      ...(m.auroc.value === null ? { auroc_reason: m.auroc.reason } : {}),
      sensitivity: m.sensitivity,
      specificity: m.specificity,
      support: m.support,
      precision: m.precision,
    };
  });
  const by_age_band: Record<string, AgeBandMetricsJson> = {};
  for (const band of bandsInDisplayOrder(pooled.ageBands)) {
    const indices = pooled.ageBands.flatMap((b, i) => (b === band ? [i] : []));
    const m = pooledMetrics(subsetPooled(pooled, indices), options);
    by_age_band[band] = {
      balanced_accuracy: m.balancedAccuracy,
      support: indices.length,
      accuracy: m.accuracy,
      auroc_macro: m.aurocMacro,
      f1_macro: m.f1Macro,
      ece: m.calibration.ece,
    };
  }
  const roc: Record<string, { fpr: number[]; tpr: number[] }> = {};
  pooled.classes.forEach((c, k) => {
    const curve = metrics.perClass[k]?.roc;
    if (curve) roc[c] = { fpr: curve.fpr, tpr: curve.tpr };
  });
  const entry = {
    split: setting.split,
    ways: setting.ways,
    shots: setting.shots,
    queries: setting.queries,
    episodes: perEpisode.size,
    classes: pooled.classes,
    episode_accuracy: meanCiJson(meanCi95([...perEpisode.values()])),
    balanced_accuracy: metrics.balancedAccuracy,
    auroc_macro: metrics.aurocMacro,
    f1_macro: metrics.f1Macro,
    ece: metrics.calibration.ece,
    per_class,
    by_age_band,
    accuracy: metrics.accuracy,
    log_loss: metrics.logLoss,
    brier: metrics.brier,
    confusion_matrix: metrics.confusion,
    reliability: { bins: metrics.calibration.bins, ece: metrics.calibration.ece, mce: metrics.calibration.mce },
    roc,
    ...(options.bootstrap ? { bootstrap_ci95: bootstrapJson(pooledBootstrapCis(pooled, options.bootstrap)) } : {}),
  };
  return SettingSchema.parse(entry);
}

function bootstrapJson(b: ReturnType<typeof pooledBootstrapCis>) {
  return {
    balanced_accuracy: b.balancedAccuracy.ci,
    auroc_macro: b.aurocMacro.ci,
    resamples: Math.min(b.balancedAccuracy.resamples, b.aurocMacro.resamples),
    unit: 'episode',
  };
}

/** A {@link MeanCi} as metrics.json writes it. */
export function meanCiJson(m: MeanCi): MeanCi95Json {
  return { mean: m.mean, ci95: m.ci95, sd: m.sd, n: m.n };
}

/** Bands in the order of AGE_BAND_IDS; unrecognised band names follow, alphabetically. */
function bandsInDisplayOrder(bands: readonly string[]): string[] {
  const rank = (b: string): number => {
    const i = (AGE_BAND_IDS as readonly string[]).indexOf(b);
    return i < 0 ? AGE_BAND_IDS.length : i;
  };
  return [...new Set(bands)].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
}
