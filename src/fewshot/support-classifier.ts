import { softmax as softmaxOf } from '../util/softmax.js';

/**
 * How a model turns an episode's (or a bank's) support set and a query into class probabilities:
 * `prototype`, softmax(−squared distance to each class prototype) (Snell et al. 2017);
 * `support-softmax`, a softmax classifier fitted on the support examples ({@link fitSupportClassifier}).
 * Abstention uses prototype distances in both cases.
 */
export type FewShotClassifier = 'prototype' | 'support-softmax';

/** Settings of the support-set softmax classifier. */
export interface SupportClassifierOptions {
  /** Full-batch gradient-descent steps. @default 100 */
  steps: number;
  /** Step size. @default 0.5 */
  learningRate: number;
  /** λ of the L2 penalty (λ/2)‖W‖². @default 1e-3 */
  weightDecay: number;
}

export const DEFAULT_SUPPORT_CLASSIFIER: SupportClassifierOptions = {
  steps: 100,
  learningRate: 0.5,
  weightDecay: 1e-3,
};

/** A fitted classifier: p(c | x) over the N classes it was fitted on. */
export type ClassProbabilities = (x: Float32Array) => number[];

/** A fitted support-set softmax classifier, with its parameters: p(c | x) = softmax_c(W x/‖x‖ + b). */
export type SupportClassifier = ClassProbabilities & {
  /** [N] rows of W, each [D]. */
  weights: readonly Float64Array[];
  /** [N] */
  bias: Float64Array;
};

function unit(v: Float32Array): Float64Array {
  const n = Math.hypot(...v) || 1;
  return Float64Array.from(v, (x) => x / n);
}

/**
 * A new softmax classifier fitted on the support set alone (the "Baseline" of Chen et al., "A
 * Closer Look at Few-shot Classification", ICLR 2019; Tian et al., "Rethinking Few-Shot Image
 * Classification", ECCV 2020): p(c | x) = softmax_c(W x̂ + b) with x̂ = x/‖x‖ (cosine-normalised
 * features, as in Baseline++), W [N, D] and b [N] from zero, fitted by `steps` full-batch
 * gradient-descent steps on
 *
 *     L(W, b) = −(1/n) Σ_i log p(y_i | x_i) + (λ/2)‖W‖²
 *
 * over the n support examples (∂L/∂W_c = (1/n) Σ_i (p_ic − [y_i = c]) x̂_i + λW_c). Inductive: each
 * query is classified on its own by the returned function; no query takes part in the fit.
 * Plain float64 TypeScript (N·D parameters, a few hundred at most: no tensors).
 */
export function fitSupportClassifier(
  support: readonly Float32Array[],
  labels: readonly number[],
  nClasses: number,
  o: SupportClassifierOptions = DEFAULT_SUPPORT_CLASSIFIER,
): SupportClassifier {
  const xs = support.map(unit);
  const D = xs[0]?.length ?? 0;
  const W = Array.from({ length: nClasses }, () => new Float64Array(D));
  const b = new Float64Array(nClasses);
  // Plain loops (the same summation order as a reduce over d): this runs once per episode and query.
  const softmax = (x: Float64Array): number[] => {
    const z = new Array<number>(nClasses);
    for (let c = 0; c < nClasses; c++) {
      const w = W[c] as Float64Array;
      let dot = 0;
      for (let d = 0; d < D; d++) dot += (w[d] as number) * (x[d] as number);
      z[c] = (b[c] as number) + dot;
    }
    return softmaxOf(z);
  };
  const gW = Array.from({ length: nClasses }, () => new Float64Array(D));
  const gb = new Float64Array(nClasses);
  for (let step = 0; step < o.steps; step++) {
    for (const g of gW) g.fill(0);
    gb.fill(0);
    xs.forEach((x, i) => {
      const p = softmax(x);
      for (let c = 0; c < nClasses; c++) {
        const g = (p[c] as number) - (c === labels[i] ? 1 : 0);
        gb[c] = (gb[c] as number) + g;
        const row = gW[c] as Float64Array;
        for (let d = 0; d < D; d++) row[d] = (row[d] as number) + g * (x[d] as number);
      }
    });
    for (let c = 0; c < nClasses; c++) {
      const w = W[c] as Float64Array;
      const g = gW[c] as Float64Array;
      for (let d = 0; d < D; d++)
        w[d] = (w[d] as number) - o.learningRate * ((g[d] as number) / xs.length + o.weightDecay * (w[d] as number));
      b[c] = (b[c] as number) - (o.learningRate * (gb[c] as number)) / xs.length;
    }
  }
  return Object.assign((x: Float32Array) => softmax(unit(x)), { weights: W, bias: b });
}
