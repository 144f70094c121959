import type * as tf from '@tensorflow/tfjs';
import { heNormal } from '../init.js';
import { conv1d } from '../kernels/conv1d.js';
import type { ParameterStore } from '../parameter-store.js';
import { BatchNorm } from './batch-norm.js';

/** Settings shared by every conv + BatchNorm pair of the encoder. */
export interface ConvBnOptions {
  kernel: number;
  stride: number;
  momentum: number;
  epsilon: number;
  /** False when the input is data, not a function of any weight: the backward pass skips ∂L/∂x. */
  inputGradient?: boolean;
}

/**
 * A bias-free 1-D convolution ('same' padding, He-normal weights [k, Cin, Cout]) followed by
 * BatchNorm: the bias would be cancelled by BatchNorm's mean subtraction, so it is left out.
 */
export class ConvBn {
  readonly weight: tf.Variable;
  readonly norm: BatchNorm;
  private readonly stride: number;
  private readonly inputGradient: boolean;

  constructor(store: ParameterStore, name: string, inChannels: number, outChannels: number, options: ConvBnOptions) {
    this.weight = store.add(`${name}.conv.w`, [options.kernel, inChannels, outChannels], heNormal);
    this.norm = new BatchNorm(store, `${name}.bn`, outChannels, options.momentum, options.epsilon);
    this.stride = options.stride;
    this.inputGradient = options.inputGradient ?? true;
  }

  /** @param x [B, T, Cin] @returns [B, ⌈T/stride⌉, Cout] */
  apply(x: tf.Tensor3D, training: boolean): tf.Tensor3D {
    return this.norm.apply(
      conv1d(x, this.weight as tf.Tensor3D, this.stride, 'same', { inputGradient: this.inputGradient }),
      training,
    );
  }
}
