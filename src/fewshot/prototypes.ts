import { softmax } from '../util/softmax.js';

/**
 * Prototypes and distances of prototypical networks (Snell, Swersky & Zemel, NeurIPS 2017), in
 * plain TypeScript over embeddings the model has already computed (inference, banks, baselines).
 * The differentiable training version lives in the prototypical loss.
 */

/** μ_c = mean of the support embeddings of class c, for c = 0..nClasses−1 (each class needs ≥ 1). */
export function computePrototypes(
  embeddings: readonly Float32Array[],
  labels: readonly number[],
  nClasses: number,
): Float32Array[] {
  const dim = embeddings[0]?.length ?? 0;
  const sums = Array.from({ length: nClasses }, () => new Float64Array(dim));
  const counts = new Array<number>(nClasses).fill(0);
  embeddings.forEach((e, i) => {
    const c = labels[i] as number;
    const s = sums[c] as Float64Array;
    for (let d = 0; d < dim; d++) s[d] = (s[d] as number) + (e[d] as number);
    counts[c] = (counts[c] as number) + 1;
  });
  return sums.map((s, c) => {
    if (counts[c] === 0) throw new RangeError(`computePrototypes: class ${c} has no support example`);
    return Float32Array.from(s, (v) => v / (counts[c] as number));
  });
}

/** d(a, b) = ‖a − b‖² (squared Euclidean, as in Snell et al.). */
export function squaredDistance(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let d = 0; d < a.length; d++) {
    const diff = (a[d] as number) - (b[d] as number);
    s += diff * diff;
  }
  return s;
}

/** p(c | q) = softmax_c(−d(q, μ_c)), computed stably; also returns the distances. */
export function prototypeProbabilities(
  query: Float32Array,
  prototypes: readonly Float32Array[],
): { probabilities: number[]; distances: number[] } {
  const distances = prototypes.map((p) => squaredDistance(query, p));
  return { probabilities: softmax(distances.map((d) => -d)), distances };
}

/** Index of the largest value (first on ties). */
export function argmax(values: readonly number[]): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if ((values[i] as number) > (values[best] as number)) best = i;
  return best;
}
