import * as tf from '@tensorflow/tfjs';
import { assertShape } from './assert-shape.js';

/** Guards the norm of an all-zero embedding (PyTorch's `cosine_similarity` uses the same 1e-8). */
const NORM_EPSILON = 1e-8;

/**
 * Mean cosine disagreement between two views of the same rows:
 *
 *     mean_i (1 − cos(h'_i, h''_i)),  cos(a, b) = a·b / (max(‖a‖, ε)·max(‖b‖, ε))
 *
 * It lies in [0, 2]; 0 when every pair points the same way.
 *
 * @param a [n, D] h'
 * @param b [n, D] h''
 */
export function cosineDisagreement(a: tf.Tensor2D, b: tf.Tensor2D): tf.Scalar {
  assertShape('cosineDisagreement', 'b', b, a.shape);
  return tf.tidy(() => {
    const norm = (x: tf.Tensor2D): tf.Tensor1D => tf.maximum(tf.norm(x, 'euclidean', 1), NORM_EPSILON); // [n]
    const cosine = tf.div(tf.sum(tf.mul(a, b), 1), tf.mul(norm(a), norm(b))); // [n]
    return tf.mean(tf.sub(1, cosine));
  });
}
