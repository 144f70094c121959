import * as tf from '@tensorflow/tfjs';
import { assertShape } from './assert-shape.js';

/**
 * Symmetric Kullback–Leibler divergence between two class distributions per row, averaged:
 *
 *     ½ mean_q [ KL(p'_q ‖ p''_q) + KL(p''_q ‖ p'_q) ] = ½ mean_q Σ_c (p'_qc − p''_qc)(log p'_qc − log p''_qc)
 *
 * Taking log-probabilities keeps it finite when a probability underflows to 0.
 *
 * @param logProbsA [nq, C] log p'
 * @param logProbsB [nq, C] log p''
 */
export function symmetricKl(logProbsA: tf.Tensor2D, logProbsB: tf.Tensor2D): tf.Scalar {
  assertShape('symmetricKl', 'logProbsB', logProbsB, logProbsA.shape);
  return tf.tidy(() => {
    const diffP = tf.sub(tf.exp(logProbsA), tf.exp(logProbsB)); // [nq, C]
    const diffLogP = tf.sub(logProbsA, logProbsB); // [nq, C]
    return tf.mul(0.5, tf.mean(tf.sum(tf.mul(diffP, diffLogP), 1)));
  });
}
