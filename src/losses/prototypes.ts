import * as tf from '@tensorflow/tfjs';
import { FewbeatError } from '../errors.js';
import { assertLength, assertShape } from './assert-shape.js';

/**
 * The averaging matrix A [nWays, ns] of a support set: A_ci = 1/|S_c| if support row i has
 * label c, else 0, so that the prototypes are one matmul, μ = A·Z (no gather or
 * unsortedSegmentSum, whose gradients have no wasm kernel, and no transposed matmul).
 * Throws when a label is outside [0, nWays) or a class has no support example.
 */
export function supportAveragingMatrix(labels: ArrayLike<number>, nWays: number): Float32Array {
  const counts = new Array<number>(nWays).fill(0);
  for (let i = 0; i < labels.length; i++) {
    const c = labels[i] as number;
    if (!Number.isInteger(c) || c < 0 || c >= nWays) {
      throw new FewbeatError(`prototypes: support label ${c} at row ${i} is outside [0, ${nWays})`);
    }
    counts[c] = (counts[c] as number) + 1;
  }
  const empty = counts.findIndex((k) => k === 0);
  if (empty >= 0) throw new FewbeatError(`prototypes: class ${empty} has no support example`);
  const ns = labels.length;
  const a = new Float32Array(nWays * ns);
  for (let i = 0; i < ns; i++) {
    const c = labels[i] as number;
    a[c * ns + i] = 1 / (counts[c] as number);
  }
  return a;
}

/**
 * Class prototypes (Snell et al. 2017): μ_c = (1/|S_c|) Σ_{i∈S_c} z_i.
 *
 * @param support [ns, D] support embeddings.
 * @param labels  ns class indices in [0, nWays).
 * @returns [nWays, D] prototypes.
 */
export function classPrototypes(support: tf.Tensor2D, labels: ArrayLike<number>, nWays: number): tf.Tensor2D {
  assertShape('classPrototypes', 'support', support, [null, null]);
  assertLength('classPrototypes', 'labels', labels, support.shape[0]);
  const averaging = supportAveragingMatrix(labels, nWays);
  return tf.tidy(() => tf.matMul(tf.tensor2d(averaging, [nWays, support.shape[0]]), support)); // [nWays, D]
}

/**
 * Squared Euclidean distances d(q, μ_c) = ‖q − μ_c‖² between every query and every prototype,
 * computed from the differences (exact and never negative, unlike ‖q‖² − 2q·μ + ‖μ‖²).
 *
 * @param query      [nq, D]
 * @param prototypes [nWays, D]
 * @returns [nq, nWays]
 */
export function squaredDistances(query: tf.Tensor2D, prototypes: tf.Tensor2D): tf.Tensor2D {
  assertShape('squaredDistances', 'prototypes', prototypes, [null, query.shape[1]]);
  return tf.tidy(() => {
    const diff = tf.sub(tf.expandDims(query, 1), tf.expandDims(prototypes, 0)); // [nq, nWays, D]
    return tf.sum(tf.square(diff), 2) as tf.Tensor2D; // [nq, nWays]
  });
}

/**
 * log p(c | q) = log softmax_c(−d(z_q, μ_c)): the prototypical class distribution of each query.
 *
 * @returns [nq, nWays] log-probabilities.
 */
export function prototypeLogProbs(query: tf.Tensor2D, prototypes: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => tf.logSoftmax(tf.neg(squaredDistances(query, prototypes))));
}
