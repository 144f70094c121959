import type { Example } from '../../data/dataset.js';
import type { Episode } from '../../data/episode-sampler.js';
import { classifyEpisode, type PoolVectors } from '../../fewshot/classify-episode.js';
import { NEAREST_PROTOTYPE, type FewShotHeadConfig } from '../../fewshot/few-shot-head.js';
import type { QueryPrediction } from '../metrics/pooled-predictions.js';

/**
 * One {@link QueryPrediction} per query of every episode, with the query probabilities
 * `probabilitiesOf(e)` gives for episode `e` ([nq][N], in query order); `pool` holds the items the
 * episodes index.
 */
export function queryPredictions(
  episodes: readonly Episode[],
  pool: readonly Example[],
  probabilitiesOf: (e: Episode) => readonly (readonly number[])[],
): QueryPrediction[] {
  const out: QueryPrediction[] = [];
  for (const e of episodes) {
    const probabilities = probabilitiesOf(e);
    e.query.forEach((i, k) => {
      out.push({
        episode: e.index,
        trueClass: e.classes[e.queryLabels[k] as number] as string,
        episodeClasses: e.classes,
        probabilities: probabilities[k] as number[],
        ageBand: (pool[i] as Example).ageBand,
      });
    });
  }
  return out;
}

/**
 * Query predictions of every episode from a few-shot head fitted on each episode's support set
 * ({@link classifyEpisode}); `pool` holds the vectors of the items the episodes index.
 */
export function headPredictions(
  episodes: readonly Episode[],
  pool: readonly Example[],
  vectors: PoolVectors,
  config: FewShotHeadConfig,
): QueryPrediction[] {
  return queryPredictions(episodes, pool, (e) =>
    classifyEpisode(config, e, vectors).predictions.map((p) => p.probabilities),
  );
}

/**
 * Nearest-prototype query predictions of every episode in one embedding space (a baseline's
 * features, ...): p(c | q) = softmax_c(−‖e_q − μ_c‖²), μ_c the mean support embedding.
 * `embeddings[i]` belongs to `pool[i]`, the items the episodes index.
 */
export function episodePredictions(
  episodes: readonly Episode[],
  pool: readonly Example[],
  embeddings: readonly Float32Array[],
): QueryPrediction[] {
  return headPredictions(episodes, pool, { vectors: embeddings }, NEAREST_PROTOTYPE);
}
