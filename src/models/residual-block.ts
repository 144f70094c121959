import * as tf from '@tensorflow/tfjs';
import type { ParameterStore } from './parameter-store.js';
import { ConvBn, type ConvBnOptions } from './layers/conv-bn.js';

/** A per-sample, per-channel affine modulation (FiLM, Perez et al. 2018): y ← y ⊙ (1 + scale) + shift. */
export interface Modulation {
  /** [B, C] */
  scale: tf.Tensor2D;
  /** [B, C] */
  shift: tf.Tensor2D;
}

/**
 * A 1-D residual basic block (He et al. 2016):
 *
 *     main     = BN(conv_k(ReLU(BN(conv_k,stride(x)))))          ('same' padding)
 *     shortcut = BN(conv_1,stride(x))                            (1×1 strided projection)
 *     y        = ReLU(main ⊙ (1 + scale) + shift + shortcut)     (FiLM only when a modulation is given)
 *
 * Shapes: x [B, T, Cin] → y [B, ⌈T/stride⌉, Cout].
 */
export class ResidualBlock {
  private readonly conv1: ConvBn;
  private readonly conv2: ConvBn;
  private readonly shortcut: ConvBn;

  constructor(store: ParameterStore, name: string, inChannels: number, outChannels: number, options: ConvBnOptions) {
    this.conv1 = new ConvBn(store, `${name}.conv1`, inChannels, outChannels, options);
    this.conv2 = new ConvBn(store, `${name}.conv2`, outChannels, outChannels, { ...options, stride: 1 });
    this.shortcut = new ConvBn(store, `${name}.shortcut`, inChannels, outChannels, { ...options, kernel: 1 });
  }

  apply(x: tf.Tensor3D, training: boolean, stream?: string, modulation?: Modulation): tf.Tensor3D {
    let main = this.conv2.apply(tf.relu(this.conv1.apply(x, training, stream)), training, stream); // [B, T', Cout]
    if (modulation) {
      const scale = tf.expandDims(modulation.scale, 1); // [B, 1, Cout]
      const shift = tf.expandDims(modulation.shift, 1); // [B, 1, Cout]
      main = tf.add(tf.mul(main, tf.add(scale, 1)), shift) as tf.Tensor3D;
    }
    return tf.relu(tf.add(main, this.shortcut.apply(x, training, stream)) as tf.Tensor3D);
  }
}
