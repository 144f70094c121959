import * as tf from '@tensorflow/tfjs';
import { Dense } from './layers/dense.js';
import type { ParameterStore } from './parameter-store.js';

/** Keeps the normalisation finite for an all-zero row. */
const NORM_FLOOR = 1e-12;

/**
 * A projection into the shared contrastive space, L2-normalised:
 *
 *     u = (W x + b) / max(‖W x + b‖, 1e-6)      x [B, D] → u [B, P], ‖u_i‖ = 1
 */
export class ProjectionHead {
  private readonly dense: Dense;

  constructor(store: ParameterStore, name: string, inDim: number, projDim: number) {
    this.dense = new Dense(store, name, inDim, projDim);
  }

  apply(x: tf.Tensor2D): tf.Tensor2D {
    const y = this.dense.apply(x); // [B, P]
    return tf.mul(y, tf.rsqrt(tf.maximum(tf.sum(tf.square(y), 1, true), NORM_FLOOR))); // [B, P]
  }
}
