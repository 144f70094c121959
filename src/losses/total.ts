import * as tf from '@tensorflow/tfjs';

/** The three loss parts of one training step (scalars). */
export interface LossParts {
  contrastive: tf.Scalar;
  class: tf.Scalar;
  consistency: tf.Scalar;
}

/** Weights of the class and consistency parts. */
export interface LossWeights {
  /** λ1, weight of L_class. @default 1 in the training config. */
  lambda1: number;
  /** λ2, weight of L_consistency. @default 0.5 in the training config. */
  lambda2: number;
}

/** L_total = L_contrastive + λ1 · L_class + λ2 · L_consistency. */
export function totalLoss(parts: LossParts, weights: LossWeights): tf.Scalar {
  return tf.tidy(
    () =>
      tf.addN([
        parts.contrastive,
        tf.mul(weights.lambda1, parts.class),
        tf.mul(weights.lambda2, parts.consistency),
      ]) as tf.Scalar,
  );
}
