import type { PooledPredictions } from './pooled-predictions.js';

/**
 * Accuracy of each episode: the share of its queries whose arg-max class is the true class.
 * The map is keyed by episode index, in increasing order, ready for {@link meanCi95} over its
 * values or {@link pairedDifferenceCi95} against another variant on the same episodes.
 */
export function episodeAccuracies(pooled: PooledPredictions): Map<number, number> {
  const hits = new Map<number, { correct: number; total: number }>();
  pooled.episodes.forEach((e, i) => {
    const h = hits.get(e) ?? { correct: 0, total: 0 };
    h.total++;
    if (pooled.yTrue[i] === pooled.yPred[i]) h.correct++;
    hits.set(e, h);
  });
  return new Map([...hits.entries()].sort((a, b) => a[0] - b[0]).map(([e, h]) => [e, h.correct / h.total]));
}
