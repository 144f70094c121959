import type { Episode } from '../../data/episode-sampler.js';
import type { Example } from '../../data/dataset.js';
import { DEFAULT_SUPPORT_CLASSIFIER, fitSupportClassifier, type SupportClassifierOptions } from '../../fewshot/support-classifier.js';
import type { QueryPrediction } from '../metrics/pooled-predictions.js';
import { queryPredictions } from './episode-predictions.js';

/**
 * Fine-tune on the support set (the "Baseline" of Chen et al., ICLR 2019): a new softmax
 * classifier over the episode's N classes fitted on the K·N support embeddings of the frozen
 * network (see {@link fitSupportClassifier}). Returns the query probabilities, one query at a time.
 */
export function fineTuneEpisode(episode: Episode, embeddings: readonly Float32Array[], o: SupportClassifierOptions = DEFAULT_SUPPORT_CLASSIFIER): number[][] {
  const classify = fitSupportClassifier(episode.support.map((i) => embeddings[i] as Float32Array), episode.supportLabels, episode.classes.length, o);
  return episode.query.map((i) => classify(embeddings[i] as Float32Array));
}

/** Query predictions of support-set fine-tuning for every episode (see {@link fineTuneEpisode}). */
export function fineTunePredictions(episodes: readonly Episode[], pool: readonly Example[], embeddings: readonly Float32Array[]): QueryPrediction[] {
  return queryPredictions(episodes, pool, (e) => fineTuneEpisode(e, embeddings));
}
