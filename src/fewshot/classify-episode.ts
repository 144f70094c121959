import type { Episode } from '../data/episode-sampler.js';
import { argmax, computePrototypes, prototypeProbabilities } from './prototypes.js';

/** Query predictions of one episode: per query, p(c | q) over the episode's classes. */
export interface EpisodePredictions {
  /** [nq][N] class probabilities. */
  probabilities: number[][];
  /** [nq] predicted episode class (argmax). */
  predicted: number[];
  /** [nq] squared distance to the nearest prototype. */
  nearestDistance: number[];
  /** [nq] squared distance to the prototype of the query's own class. */
  ownDistance: number[];
  /** Fraction of queries predicted right. */
  accuracy: number;
}

/**
 * Nearest-prototype classification of an episode's queries (Snell et al. 2017) from precomputed
 * embeddings: `embeddings[i]` is the embedding of item `i` of the pool the episode indexes.
 */
export function classifyEpisode(episode: Episode, embeddings: readonly Float32Array[]): EpisodePredictions {
  const prototypes = computePrototypes(
    episode.support.map((i) => embeddings[i] as Float32Array),
    episode.supportLabels,
    episode.classes.length,
  );
  const out: EpisodePredictions = {
    probabilities: [],
    predicted: [],
    nearestDistance: [],
    ownDistance: [],
    accuracy: 0,
  };
  let right = 0;
  episode.query.forEach((i, k) => {
    const { probabilities, distances } = prototypeProbabilities(embeddings[i] as Float32Array, prototypes);
    const p = argmax(probabilities);
    out.probabilities.push(probabilities);
    out.predicted.push(p);
    out.nearestDistance.push(Math.min(...distances));
    out.ownDistance.push(distances[episode.queryLabels[k] as number] as number);
    if (p === episode.queryLabels[k]) right++;
  });
  out.accuracy = right / episode.query.length;
  return out;
}
