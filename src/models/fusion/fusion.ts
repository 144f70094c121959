import type * as tf from '@tensorflow/tfjs';

/** What a fusion module may look at to produce the fused embedding z. */
export interface FusionInputs {
  /**
   * Stem output [B, T0, stemChannels] (early fusion re-runs the blocks from here); null when the
   * feature map was computed outside the model (`FewbeatModel.forwardFromFeatures`).
   */
  stem: tf.Tensor3D | null;
  /** Unconditioned ECG feature map F [B, T', C_last]. */
  features: tf.Tensor3D;
  /** ECG embedding h [B, D]. */
  ecgEmbedding: tf.Tensor2D;
  /** Clinical embedding g [B, Dc]. */
  clinicalEmbedding: tf.Tensor2D;
  /** Encoded clinical feature vector c [B, F]. */
  clinical: tf.Tensor2D;
  training: boolean;
}

/**
 * A way of fusing the two modalities into z [B, D]. Every variant leaves h and g themselves
 * unconditioned, so the contrastive loss between their projections cannot be satisfied by
 * copying one modality into the other.
 */
export interface Fusion {
  fuse(inputs: FusionInputs): tf.Tensor2D;
}
