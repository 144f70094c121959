import * as tf from '@tensorflow/tfjs';
import { FewbeatError } from '../errors.js';
import { assertLength, assertShape } from './assert-shape.js';

/**
 * Cross-entropy of a linear head over every base class (the "global" classification term of
 * Chen et al. 2019, "A Closer Look at Few-shot Classification", and Tian et al. 2020, "Rethinking
 * Few-Shot Image Classification: a Good Embedding Is All You Need?"):
 *
 *     L_global = −(1/n) Σ_i log softmax(x_i W + b)[y_i]
 *
 * @param embedding [n, D] embeddings x (the ECG embedding h in episodic training, the fused z in
 *                  the supervised baseline).
 * @param weights   [D, C] head weights W.
 * @param bias      [C] head bias b.
 * @param labels    n global class indices y_i in [0, C).
 * @returns         L_global, scalar ≥ 0.
 */
export function globalClassificationLoss(
  embedding: tf.Tensor2D,
  weights: tf.Tensor2D,
  bias: tf.Tensor1D,
  labels: ArrayLike<number>,
): tf.Scalar {
  const n = embedding.shape[0];
  const classes = weights.shape[1];
  assertShape('globalClassificationLoss', 'weights', weights, [embedding.shape[1], null]);
  assertShape('globalClassificationLoss', 'bias', bias, [classes]);
  assertLength('globalClassificationLoss', 'labels', labels, n);
  const oneHot = new Float32Array(n * classes);
  for (let i = 0; i < n; i++) {
    const y = labels[i] as number;
    if (!Number.isInteger(y) || y < 0 || y >= classes) {
      throw new FewbeatError(`globalClassificationLoss: labels[${i}] = ${y} is not a class index in [0, ${classes})`);
    }
    oneHot[i * classes + y] = 1;
  }
  return tf.tidy(() => {
    const logProbs = tf.logSoftmax(tf.add(tf.matMul(embedding, weights), bias)); // [n, C]
    return tf.neg(tf.mean(tf.sum(tf.mul(tf.tensor2d(oneHot, [n, classes]), logProbs), 1))) as tf.Scalar;
  });
}
