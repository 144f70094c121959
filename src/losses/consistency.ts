import * as tf from '@tensorflow/tfjs';
import { cosineDisagreement } from './cosine-disagreement.js';
import { symmetricKl } from './symmetric-kl.js';

/** Two perturbed views (ECG augmentation + metadata dropout) of the same episode. */
export interface ConsistencyViews {
  /** [nq, C] log p(·|z'_q), query class distributions of view 1 (prototypes from the clean support). */
  queryLogProbsA: tf.Tensor2D;
  /** [nq, C] log p(·|z''_q), the same for view 2. */
  queryLogProbsB: tf.Tensor2D;
  /** [n, D] ECG embeddings h' of view 1. */
  ecgEmbeddingA: tf.Tensor2D;
  /** [n, D] ECG embeddings h'' of view 2. */
  ecgEmbeddingB: tf.Tensor2D;
}

/**
 * Agreement between two perturbed views:
 *
 *     L_consistency = ½ mean_q [ KL(p'_q ‖ p''_q) + KL(p''_q ‖ p'_q) ] + η · mean_i (1 − cos(h'_i, h''_i))
 *
 * @param eta η ≥ 0, weight of the embedding term. @default 0.5 in the training config.
 */
export function consistencyLoss(views: ConsistencyViews, eta: number): tf.Scalar {
  return tf.tidy(() =>
    tf.add(
      symmetricKl(views.queryLogProbsA, views.queryLogProbsB),
      tf.mul(eta, cosineDisagreement(views.ecgEmbeddingA, views.ecgEmbeddingB)),
    ),
  );
}
