import type * as tf from '@tensorflow/tfjs';

/**
 * What the trainer, few-shot bank and evaluation need from a model: the contract of
 * `FewbeatModel` (src/models), stated structurally so that training code depends on the shape
 * of the model, not on one class.
 */
export interface ModelInputs {
  /** [B, T, L] preprocessed ECG. */
  ecg: tf.Tensor3D;
  /** [B, L] lead mask, 1 = recorded. */
  leadMask: tf.Tensor2D;
  /** [B, F] encoded clinical context with missingness indicators. */
  clinical: tf.Tensor2D;
}

export interface ModelOutputs {
  /** [B, D] h, ECG embedding. */
  ecgEmbedding: tf.Tensor2D;
  /** [B, D] g, clinical embedding. */
  clinicalEmbedding: tf.Tensor2D;
  /** [B, D] z = fuse(h, g): the embedding prototypes are built from. */
  fused: tf.Tensor2D;
  /** [B, P] u, L2-normalised ECG projection. */
  ecgProj: tf.Tensor2D;
  /** [B, P] v, L2-normalised clinical projection. */
  clinProj: tf.Tensor2D;
  /** scalar exp(s) = 1/τ. */
  logitScale: tf.Scalar;
}

export interface EpisodicModel {
  forward(inputs: ModelInputs, options: { training: boolean }): ModelOutputs;
  trainableVariables(): tf.Variable[];
}
