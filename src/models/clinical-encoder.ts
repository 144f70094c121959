import type * as tf from '@tensorflow/tfjs';
import type { ModelConfig } from './config.js';
import { Mlp } from './layers/dense.js';
import type { ParameterStore } from './parameter-store.js';

/**
 * The clinical encoder f_clin: an MLP over the encoded clinical feature vector (standardised
 * numbers, one-hot categories, booleans, each with its missingness indicator; `src/clinical/encode.ts`).
 *
 *     g = W_n(ReLU(… ReLU(W_1 c + b_1) …)) + b_n        c [B, F] → g [B, embedDim]
 */
export class ClinicalEncoder {
  private readonly mlp: Mlp;

  constructor(store: ParameterStore, config: ModelConfig) {
    const { clinical } = config;
    this.mlp = new Mlp(store, 'clinical', clinical.inputDim, clinical.hidden, clinical.embedDim);
  }

  /** @param features [B, F] @returns [B, embedDim] */
  apply(features: tf.Tensor2D): tf.Tensor2D {
    return this.mlp.apply(features);
  }
}
