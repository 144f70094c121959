import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { activeBackend, initBackend } from './backend.js';

describe('initBackend', () => {
  it('starts the wasm backend by default, from the files inside the npm package', async () => {
    expect(await initBackend()).toBe('wasm');
    expect(activeBackend()).toBe('wasm');
    expect(tf.tidy(() => tf.add(tf.scalar(2), tf.scalar(3)).dataSync()[0])).toBe(5);
  });

  it('is idempotent and can switch to the cpu reference backend and back', async () => {
    expect(await initBackend('wasm')).toBe('wasm');
    expect(await initBackend('wasm')).toBe('wasm');
    expect(await initBackend('cpu')).toBe('cpu');
    expect(await initBackend('wasm')).toBe('wasm');
  });

  it('lets the wasm backend differentiate the ops the model is built from', async () => {
    await initBackend('wasm');
    const grads = tf.tidy(() => {
      const x = tf.randomNormal([6, 4], 0, 1, 'float32', 3);
      const w = tf.randomNormal([4, 3], 0, 1, 'float32', 4);
      const gamma = tf.ones([3]);
      const logT = tf.scalar(2.659);
      const f = (a: tf.Tensor, b: tf.Tensor, g: tf.Tensor, t: tf.Tensor): tf.Scalar => {
        const h = tf.relu(tf.matMul(a as tf.Tensor2D, b as tf.Tensor2D));
        const { mean, variance } = tf.moments(h, 0);
        const bn = tf.batchNorm(h, mean, variance, tf.zeros([3]), g, 1e-5);
        const z = tf.div(bn, tf.norm(bn, 'euclidean', -1, true));
        const logits = tf.mul(tf.matMul(z, tf.concat([z, z], 0), false, true), tf.exp(t));
        return tf.add(tf.mean(tf.logSumExp(logits, 1)), tf.mean(tf.logSoftmax(logits))).asScalar();
      };
      return tf
        .grads(f)([x, w, gamma, logT])
        .map((g) => g.dataSync());
    });
    for (const g of grads) expect(Array.from(g).every(Number.isFinite)).toBe(true);
  });
});
