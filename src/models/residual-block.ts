import * as tf from '@tensorflow/tfjs';
import type { ParameterStore } from './parameter-store.js';
import { ConvBn, type ConvBnOptions } from './layers/conv-bn.js';

/**
 * A 1-D residual basic block (He et al. 2016):
 *
 *     main     = BN(conv_k(ReLU(BN(conv_k,stride(x)))))          ('same' padding)
 *     shortcut = BN(conv_1,stride(x))                            (1×1 strided projection)
 *     y        = ReLU(main + shortcut)
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

  apply(x: tf.Tensor3D, training: boolean): tf.Tensor3D {
    const main = this.conv2.apply(tf.relu(this.conv1.apply(x, training)), training); // [B, T', Cout]
    return tf.relu(tf.add(main, this.shortcut.apply(x, training)) as tf.Tensor3D);
  }
}
