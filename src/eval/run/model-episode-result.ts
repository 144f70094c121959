import type { Example } from '../../data/dataset.js';
import type { Episode, EpisodeShape } from '../../data/episode-sampler.js';
import type { TrainedModelDir } from '../../model-dir/model-dir.js';
import { balancedAccuracy } from '../metrics/balanced-accuracy.js';
import { confusionMatrix } from '../metrics/confusion-matrix.js';
import { meanCi95 } from '../metrics/mean-ci.js';
import type { EpisodeResult } from './af-vs-sinus.js';
import { modelMethod } from './run-evaluation.js';

/**
 * A trained model on given few-shot episodes over `pool`, classifying as it classifies its own
 * few-shot episodes (`modelMethod`: its prototype space and support classifier). Every episode has
 * the same `shape.ways` classes. Episode accuracy = correct queries / queries of the episode, as
 * mean and 95 % CI over episodes; balanced accuracy over all query predictions pooled.
 */
export function modelEpisodeResult(
  method: string,
  trained: TrainedModelDir,
  pool: Example[],
  episodes: readonly Episode[],
  shape: EpisodeShape,
): EpisodeResult {
  const classes = [...(episodes[0]?.classes ?? [])].sort();
  const predictions = modelMethod(method, trained).predict({
    split: 'novel',
    shape,
    classes,
    pool,
    episodes: [...episodes],
  });
  const truth: number[] = [];
  const predicted: number[] = [];
  const correct = new Map<number, { right: number; total: number }>();
  for (const p of predictions) {
    const best = p.probabilities.indexOf(Math.max(...p.probabilities));
    truth.push(classes.indexOf(p.trueClass));
    predicted.push(classes.indexOf(p.episodeClasses[best] as string));
    const c = correct.get(p.episode) ?? { right: 0, total: 0 };
    c.total++;
    if (best === p.episodeClasses.indexOf(p.trueClass)) c.right++;
    correct.set(p.episode, c);
  }
  return {
    method,
    episode_accuracy: meanCi95([...correct.values()].map((c) => c.right / c.total)),
    balanced_accuracy: balancedAccuracy(confusionMatrix(truth, predicted, classes.length)),
  };
}
