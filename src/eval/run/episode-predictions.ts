import type { Example } from '../../data/dataset.js';
import type { Episode } from '../../data/episode-sampler.js';
import { classifyEpisode } from '../../fewshot/classify-episode.js';
import { augmentedEpisodeProbabilities, type AugmentedVectors } from '../../fewshot/support-augmentation.js';
import type { FewShotClassifier } from '../../fewshot/support-classifier.js';
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
 * Nearest-prototype query predictions of every episode in one embedding space (the model's fused
 * embedding, a baseline's features, ...): p(c | q) = softmax_c(−‖e_q − μ_c‖²), μ_c the mean
 * support embedding. `embeddings[i]` belongs to `pool[i]`, the items the episodes index.
 */
export function episodePredictions(
  episodes: readonly Episode[],
  pool: readonly Example[],
  embeddings: readonly Float32Array[],
): QueryPrediction[] {
  return queryPredictions(episodes, pool, (e) => classifyEpisode(e, embeddings).probabilities);
}

/**
 * Query predictions of every episode with the model's few-shot classifier fitted on the support
 * set plus its augmented views ({@link augmentedEpisodeProbabilities}); `a` holds the vectors of
 * `pool[i]` and its views. With no views this is nearest-prototype or support-softmax
 * classification of the plain vectors.
 */
export function augmentedEpisodePredictions(
  episodes: readonly Episode[],
  pool: readonly Example[],
  a: AugmentedVectors,
  classifier: FewShotClassifier,
  testTime: boolean,
): QueryPrediction[] {
  return queryPredictions(episodes, pool, (e) => augmentedEpisodeProbabilities(e, a, classifier, testTime));
}
