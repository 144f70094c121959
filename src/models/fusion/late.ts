import * as tf from '@tensorflow/tfjs';
import { Mlp } from '../layers/dense.js';
import type { ParameterStore } from '../parameter-store.js';

/**
 * Late fusion, the one fusion of the method: z = MLP([h; g]), [B, D + Dc] → [B, D] (one linear
 * layer when `hidden` is empty). h and g themselves stay unconditioned, so the contrastive loss
 * between their projections cannot be satisfied by copying one modality into the other. z is the
 * `fused` prototype-space candidate, the embedding of `classEmbedding: 'fused'` and of the
 * supervised-pretraining baseline. Early (FiLM) and cross-attention fusion were removed: in the
 * default method (classEmbedding `ecg`) z reaches neither a loss nor the few-shot head unless
 * validation picks the fused space, and their ablations scored the same as late fusion (cross-attention to
 * the last digit, FiLM within engine noise).
 */
export class LateFusion {
  private readonly mlp: Mlp;

  constructor(store: ParameterStore, ecgDim: number, clinicalDim: number, hidden: readonly number[], outDim: number) {
    this.mlp = new Mlp(store, 'fusion', ecgDim + clinicalDim, hidden, outDim);
  }

  /** @param ecgEmbedding h [B, D] @param clinicalEmbedding g [B, Dc] @returns z [B, D] */
  fuse(ecgEmbedding: tf.Tensor2D, clinicalEmbedding: tf.Tensor2D): tf.Tensor2D {
    return this.mlp.apply(tf.concat([ecgEmbedding, clinicalEmbedding], 1)); // [B, D + Dc] → [B, D]
  }
}
