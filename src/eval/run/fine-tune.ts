import type { Episode } from '../../data/episode-sampler.js';
import type { Example } from '../../data/dataset.js';
import type { QueryPrediction } from '../metrics/pooled-predictions.js';

/** Settings of the support-set fine-tuning. */
export interface FineTuneOptions {
  /** Gradient-descent steps. @default 100 */
  steps: number;
  /** Step size. @default 0.5 */
  learningRate: number;
  /** L2 penalty on the weights. @default 1e-3 */
  weightDecay: number;
}

export const DEFAULT_FINE_TUNE: FineTuneOptions = { steps: 100, learningRate: 0.5, weightDecay: 1e-3 };

/**
 * Fine-tune on the support set (the "Baseline" of Chen et al., ICLR 2019): a new softmax
 * classifier p(c | x) = softmax(W x̂ + b) over the episode's N classes is fitted on the K·N
 * support embeddings of the frozen pretrained network by full-batch gradient descent on the
 * cross-entropy + (λ/2)‖W‖², with x̂ = x/‖x‖ (cosine-normalised features, as in Baseline++).
 * Returns the query probabilities.
 */
export function fineTuneEpisode(episode: Episode, embeddings: readonly Float32Array[], o: FineTuneOptions = DEFAULT_FINE_TUNE): number[][] {
  const N = episode.classes.length;
  const unit = (v: Float32Array): Float64Array => {
    const n = Math.hypot(...v) || 1;
    return Float64Array.from(v, (x) => x / n);
  };
  const xs = episode.support.map((i) => unit(embeddings[i] as Float32Array));
  const D = xs[0]?.length ?? 0;
  const W = Array.from({ length: N }, () => new Float64Array(D));
  const b = new Float64Array(N);
  const softmax = (x: Float64Array): number[] => {
    const z = W.map((w, c) => (b[c] as number) + w.reduce((s, wd, d) => s + wd * (x[d] as number), 0));
    const m = Math.max(...z);
    const e = z.map((v) => Math.exp(v - m));
    const t = e.reduce((s, v) => s + v, 0);
    return e.map((v) => v / t);
  };
  for (let step = 0; step < o.steps; step++) {
    const gW = Array.from({ length: N }, () => new Float64Array(D));
    const gb = new Float64Array(N);
    xs.forEach((x, i) => {
      const p = softmax(x);
      for (let c = 0; c < N; c++) {
        const g = (p[c] as number) - (c === episode.supportLabels[i] ? 1 : 0);
        gb[c] = (gb[c] as number) + g;
        const row = gW[c] as Float64Array;
        for (let d = 0; d < D; d++) row[d] = (row[d] as number) + g * (x[d] as number);
      }
    });
    for (let c = 0; c < N; c++) {
      const w = W[c] as Float64Array;
      const g = gW[c] as Float64Array;
      for (let d = 0; d < D; d++) w[d] = (w[d] as number) - o.learningRate * ((g[d] as number) / xs.length + o.weightDecay * (w[d] as number));
      b[c] = (b[c] as number) - (o.learningRate * (gb[c] as number)) / xs.length;
    }
  }
  return episode.query.map((i) => softmax(unit(embeddings[i] as Float32Array)));
}

/** Query predictions of support-set fine-tuning for every episode (see {@link fineTuneEpisode}). */
export function fineTunePredictions(episodes: readonly Episode[], pool: readonly Example[], embeddings: readonly Float32Array[]): QueryPrediction[] {
  const out: QueryPrediction[] = [];
  for (const e of episodes) {
    const probabilities = fineTuneEpisode(e, embeddings);
    e.query.forEach((i, k) => {
      out.push({ episode: e.index, trueClass: e.classes[e.queryLabels[k] as number] as string, episodeClasses: e.classes, probabilities: probabilities[k] as number[], ageBand: (pool[i] as Example).ageBand });
    });
  }
  return out;
}
