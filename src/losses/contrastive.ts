import * as tf from '@tensorflow/tfjs';
import { assertShape } from './assert-shape.js';
import { pairWeights, type PairMetadata } from './pair-weights.js';

/** Options of {@link contrastiveLoss}: who each row is, and the negative weights. */
export interface ContrastiveOptions extends PairMetadata {
  /**
   * β ∈ [0, 1], weight of a same-class negative from another patient (a likely false negative).
   * @default 0.5 in the training config; 1 recovers CLIP.
   */
  beta: number;
  /**
   * γ ≥ 1, weight of a same-age-band negative of another class (a hard negative).
   * @default 2 in the training config; 1 recovers CLIP.
   */
  gamma: number;
}

/** Stands in for log 0 (a pair weighted 0 by β = 0): exp(-1e9 + logit) is exactly 0 in float32. */
const LOG_ZERO = -1e9;

/**
 * fewbeat's cross-modal contrastive loss: symmetric, patient-level InfoNCE with label- and
 * age-aware negative weights (docs/method.md, "The losses").
 *
 * With ℓ_ik = exp(s)·u_i·v_k (the logits), P(i) = { j : p(j) = p(i) } the recordings of the same
 * patient (CLOCS, Kiyasseh et al. 2021), and w_ik from {@link pairWeights}:
 *
 *     L_e→c = −(1/n) Σ_i (1/|P(i)|) Σ_{j∈P(i)} log [ exp(ℓ_ij) / Σ_k w_ik exp(ℓ_ik) ]
 *           =  (1/n) Σ_i [ logsumexp_k(ℓ_ik + log w_ik) − (1/|P(i)|) Σ_{j∈P(i)} ℓ_ij ]
 *     L_c→e = the same with u and v swapped (ℓ transposed; w is symmetric)
 *     L     = ½ (L_e→c + L_c→e)
 *
 * β = γ = 1 and one recording per patient give CLIP's symmetric InfoNCE (Radford et al. 2021;
 * van den Oord et al. 2018). Positives always weigh 1, so every row's denominator holds its own
 * positives and L ≥ mean_i log|P(i)| ≥ 0.
 *
 * @param u [n, P] L2-normalised ECG projections.
 * @param v [n, P] L2-normalised clinical projections (row i is the same recording as u's row i).
 * @param logitScale scalar exp(s) = 1/τ, already clamped by the model.
 * @returns the scalar loss (a new tensor the caller disposes).
 */
export function contrastiveLoss(
  u: tf.Tensor2D,
  v: tf.Tensor2D,
  logitScale: tf.Scalar,
  options: ContrastiveOptions,
): tf.Scalar {
  const n = u.shape[0];
  assertShape('contrastiveLoss', 'u', u, [n, null]);
  assertShape('contrastiveLoss', 'v', v, [n, u.shape[1]]);
  assertShape('contrastiveLoss', 'logitScale', logitScale, []);
  const weights = pairWeights(options, options.beta, options.gamma);
  const logWeights = weights.denominator.map((w) => (w > 0 ? Math.log(w) : LOG_ZERO));

  return tf.tidy(() => {
    const logW = tf.tensor2d(logWeights, [n, n]); // [n, n]
    const positives = tf.tensor2d(weights.positives, [n, n]); // [n, n], rows sum to 1
    const logits = tf.mul(logitScale, tf.matMul(u, v, false, true)) as tf.Tensor2D; // [n, n], ℓ_ik = s·u_i·v_k
    const direction = (rowLogits: tf.Tensor2D): tf.Scalar => {
      const logDenominator = tf.logSumExp(tf.add(rowLogits, logW), 1); // [n]
      const positiveMean = tf.sum(tf.mul(positives, rowLogits), 1); // [n]
      return tf.mean(tf.sub(logDenominator, positiveMean));
    };
    const ecgToClinical = direction(logits);
    const clinicalToEcg = direction(tf.transpose(logits));
    return tf.mul(0.5, tf.add(ecgToClinical, clinicalToEcg));
  });
}
