import * as tf from '@tensorflow/tfjs';
import { Mlp } from '../layers/dense.js';
import type { ParameterStore } from '../parameter-store.js';
import type { Fusion, FusionInputs } from './fusion.js';

/** Late fusion: z = MLP([h; g]), [B, D + Dc] → [B, D] (one linear layer when `hidden` is empty). */
export class LateFusion implements Fusion {
  private readonly mlp: Mlp;

  constructor(store: ParameterStore, ecgDim: number, clinicalDim: number, hidden: readonly number[], outDim: number) {
    this.mlp = new Mlp(store, 'fusion', ecgDim + clinicalDim, hidden, outDim);
  }

  fuse({ ecgEmbedding, clinicalEmbedding }: FusionInputs): tf.Tensor2D {
    return this.mlp.apply(tf.concat([ecgEmbedding, clinicalEmbedding], 1)); // [B, D + Dc] → [B, D]
  }
}
