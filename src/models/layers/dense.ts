import * as tf from '@tensorflow/tfjs';
import { constant, glorotUniform } from '../init.js';
import type { ParameterStore } from '../parameter-store.js';

/** A fully connected layer y = x·W + b, W [in, out] (Glorot uniform), b [out] (zeros). */
export class Dense {
  readonly weight: tf.Variable;
  readonly bias: tf.Variable;

  constructor(store: ParameterStore, name: string, inDim: number, outDim: number, init = glorotUniform) {
    this.weight = store.add(`${name}.w`, [inDim, outDim], init);
    this.bias = store.add(`${name}.b`, [outDim], constant(0));
  }

  /** @param x [N, in] @returns [N, out] */
  apply(x: tf.Tensor2D): tf.Tensor2D {
    return tf.add(tf.matMul(x, this.weight as tf.Tensor2D), this.bias);
  }
}

/**
 * A multilayer perceptron: Dense→ReLU for each hidden width, then a linear Dense to `outDim`.
 * With no hidden widths it is one linear layer.
 */
export class Mlp {
  private readonly layers: Dense[];

  constructor(store: ParameterStore, name: string, inDim: number, hidden: readonly number[], outDim: number) {
    const widths = [inDim, ...hidden, outDim];
    this.layers = widths.slice(1).map((w, i) => new Dense(store, `${name}.dense${i + 1}`, widths[i] as number, w));
  }

  /** @param x [N, in] @returns [N, out] */
  apply(x: tf.Tensor2D): tf.Tensor2D {
    return this.layers.reduce((h, layer, i) => {
      const y = layer.apply(h);
      return i < this.layers.length - 1 ? tf.relu(y) : y;
    }, x);
  }
}
