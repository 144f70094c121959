import * as tf from '@tensorflow/tfjs';
import { FewbeatError } from '../errors.js';
import { assertLength, assertShape } from './assert-shape.js';
import { classPrototypes, prototypeLogProbs } from './prototypes.js';

/** Result of {@link prototypicalLoss}; the caller disposes both tensors. */
export interface PrototypicalResult {
  /** L_class, scalar. */
  loss: tf.Scalar;
  /** log p(c | q), [nq, nWays]. */
  logProbs: tf.Tensor2D;
}

/**
 * Prototypical-network cross-entropy (Snell et al. 2017, "Prototypical Networks for Few-shot
 * Learning"), with squared Euclidean distances to class prototypes built from the support set:
 *
 *     μ_c       = (1/|S_c|) Σ_{i∈S_c} z_i
 *     p(c | q)  = softmax_c( −‖z_q − μ_c‖² )
 *     L_class   = −(1/nq) Σ_q log p(y(q) | q)
 *
 * @param support       [ns, D] support embeddings z.
 * @param supportLabels ns labels in [0, nWays); every class needs at least one.
 * @param query         [nq, D] query embeddings z.
 * @param queryLabels   nq labels in [0, nWays).
 */
export function prototypicalLoss(
  support: tf.Tensor2D,
  supportLabels: ArrayLike<number>,
  query: tf.Tensor2D,
  queryLabels: ArrayLike<number>,
  nWays: number,
): PrototypicalResult {
  assertShape('prototypicalLoss', 'query', query, [null, support.shape[1]]);
  const nq = query.shape[0];
  assertLength('prototypicalLoss', 'queryLabels', queryLabels, nq);
  const oneHot = new Float32Array(nq * nWays);
  for (let q = 0; q < nq; q++) {
    const c = queryLabels[q] as number;
    if (!Number.isInteger(c) || c < 0 || c >= nWays) {
      throw new FewbeatError(`prototypicalLoss: query label ${c} at row ${q} is outside [0, ${nWays})`);
    }
    oneHot[q * nWays + c] = 1;
  }
  return tf.tidy(() => {
    const logProbs = prototypeLogProbs(query, classPrototypes(support, supportLabels, nWays)); // [nq, nWays]
    const loss = tf.neg(tf.mean(tf.sum(tf.mul(tf.tensor2d(oneHot, [nq, nWays]), logProbs), 1))) as tf.Scalar;
    return { loss, logProbs };
  });
}
