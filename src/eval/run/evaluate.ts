import type { Example } from '../../data/dataset.js';
import type { Episode } from '../../data/episode-sampler.js';
import { ablationEntry, baselineEntry } from '../metrics/comparison-entries.js';
import type { AblationJson, BaselineJson, MetricsJson, SettingJson } from '../metrics/metrics-schema.js';
import type { QueryPrediction } from '../metrics/pooled-predictions.js';
import { settingEntry, type SettingDescription } from '../metrics/setting-entry.js';
import { episodePredictions } from './episode-predictions.js';
import type { EvaluationSetting } from './evaluation-settings.js';

/** A way of answering the episodes of a setting: the full model, a baseline or an ablated variant. */
export interface EvaluationMethod {
  name: string;
  predict(setting: EvaluationSetting): QueryPrediction[];
}

/**
 * A method over a fixed embedding of each recording (computed once per pool and reused by every
 * setting on that pool), classifying episodes by nearest prototype unless `classify` says otherwise.
 */
export function embeddingMethod(
  name: string,
  embed: (pool: readonly Example[]) => Float32Array[],
  classify: (
    episodes: readonly Episode[],
    pool: readonly Example[],
    embeddings: readonly Float32Array[],
  ) => QueryPrediction[] = episodePredictions,
): EvaluationMethod {
  const cache = new Map<readonly Example[], Float32Array[]>();
  return {
    name,
    predict(setting) {
      let embeddings = cache.get(setting.pool);
      if (!embeddings) cache.set(setting.pool, (embeddings = embed(setting.pool)));
      return classify(setting.episodes, setting.pool, embeddings);
    },
  };
}

export function describeSetting(s: EvaluationSetting): SettingDescription {
  return { split: s.split, ...s.shape, classes: s.classes };
}

/** The metrics.json sections of a run, plus the full model's predictions (for the report's embedding map). */
export interface RunMetrics extends MetricsJson {
  settings: SettingJson[];
  baselines: BaselineJson[];
  ablations: AblationJson[];
}

/**
 * Run the full model, the baselines and the ablations on the *same* episodes of every setting and
 * build metrics.json: `settings` from the full model's pooled predictions, and for each baseline
 * and ablation its metrics plus the paired episode-accuracy difference, full minus variant.
 */
export function evaluateMethods(
  settings: readonly EvaluationSetting[],
  full: EvaluationMethod,
  baselines: readonly EvaluationMethod[],
  ablations: readonly EvaluationMethod[],
): RunMetrics {
  const out: RunMetrics = { settings: [], baselines: [], ablations: [] };
  for (const s of settings) {
    const description = describeSetting(s);
    const reference = full.predict(s);
    out.settings.push(settingEntry(reference, description));
    for (const b of baselines) out.baselines.push(baselineEntry(b.name, b.predict(s), reference, description));
    for (const a of ablations) out.ablations.push(ablationEntry(a.name, a.predict(s), reference, description));
  }
  return out;
}
