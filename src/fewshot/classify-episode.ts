import type { Episode } from '../data/episode-sampler.js';
import { FewShotHead, type FewShotHeadConfig, type HeadPrediction } from './few-shot-head.js';

/**
 * The vectors of a pool of recordings an episode indexes: `vectors[i]` in the prototype space and,
 * for heads with a context gate, `clinical[i]`, the encoded clinical vector of recording i.
 */
export interface PoolVectors {
  vectors: readonly Float32Array[];
  clinical?: readonly Float32Array[] | null;
}

/**
 * Fit a {@link FewShotHead} on an episode's support set and predict its queries (in query order;
 * `predicted` and the distances index the episode's classes): how evaluation, validation and
 * calibration classify an episode.
 */
export function classifyEpisode(
  config: FewShotHeadConfig,
  episode: Episode,
  pool: PoolVectors,
): { head: FewShotHead; predictions: HeadPrediction[] } {
  const pick = <T>(items: readonly T[] | null | undefined, indices: readonly number[]): T[] | null =>
    items ? indices.map((i) => items[i] as T) : null;
  const head = new FewShotHead(config).fit({
    vectors: pick(pool.vectors, episode.support) as Float32Array[],
    labels: episode.supportLabels,
    nClasses: episode.classes.length,
    clinical: pick(pool.clinical, episode.support),
  });
  const predictions = head.predict({
    vectors: pick(pool.vectors, episode.query) as Float32Array[],
    clinical: pick(pool.clinical, episode.query),
  });
  return { head, predictions };
}

/** Fraction of an episode's queries predicted right. */
export function episodeAccuracy(episode: Episode, predictions: readonly HeadPrediction[]): number {
  return predictions.filter((p, k) => p.predicted === episode.queryLabels[k]).length / episode.query.length;
}
