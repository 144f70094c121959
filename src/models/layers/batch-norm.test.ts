import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectNoLeakedTensors, randomArray, relativeError } from '../kernels/test-utils/parity.js';
import { initBackend } from '../../runtime/backend.js';
import { ParameterStore } from '../parameter-store.js';
import { BatchNorm } from './batch-norm.js';

describe('BatchNorm', () => {
  beforeAll(async () => {
    await initBackend();
  });

  const [b, t, c] = [3, 5, 4];
  const values = Float32Array.from(randomArray(b * t * c, 11), (v, i) => 2 * v + (i % c)); // channel means 0..3, sd 2

  /** Per-channel mean and variance (biased) over batch and time, in float64. */
  function channelStats(): { mean: number[]; variance: number[] } {
    const mean = new Array<number>(c).fill(0);
    const variance = new Array<number>(c).fill(0);
    values.forEach((v, i) => (mean[i % c]! += v / (b * t)));
    values.forEach((v, i) => (variance[i % c]! += (v - mean[i % c]!) ** 2 / (b * t)));
    return { mean, variance };
  }

  it('normalises each channel over batch and time in training mode, like tf.batchNorm with the batch moments', () => {
    const store = new ParameterStore(1);
    const bn = new BatchNorm(store, 'bn', c, 0.1, 1e-5);
    const { mean, variance } = channelStats();
    const [ours, reference] = tf.tidy(() => {
      const x = tf.tensor3d(values, [b, t, c]);
      return [
        bn.apply(x, true).dataSync().slice(),
        tf
          .batchNorm(x, tf.tensor1d(mean), tf.tensor1d(variance), tf.zeros([c]), tf.ones([c]), 1e-5)
          .dataSync()
          .slice(),
      ];
    });
    for (let i = 0; i < ours!.length; i++) expect(ours![i]).toBeCloseTo(reference![i]!, 4);
    store.dispose();
  });

  it('moves the running statistics by the momentum, with the unbiased variance, and uses them in eval mode', () => {
    const store = new ParameterStore(1);
    const bn = new BatchNorm(store, 'bn', c, 0.1, 1e-5);
    const { mean, variance } = channelStats();
    const n = b * t;
    tf.tidy(() => void bn.apply(tf.tensor3d(values, [b, t, c]), true));
    const running = store.all();
    const runningMean = running.get('bn.running_mean')!.dataSync();
    const runningVar = running.get('bn.running_var')!.dataSync();
    for (let k = 0; k < c; k++) {
      expect(runningMean[k]).toBeCloseTo(0.1 * mean[k]!, 5);
      expect(runningVar[k]).toBeCloseTo(0.9 + (0.1 * variance[k]! * n) / (n - 1), 5);
    }
    const evalOut = tf.tidy(() =>
      bn
        .apply(tf.tensor3d(values, [b, t, c]), false)
        .dataSync()
        .slice(),
    );
    evalOut.forEach((y, i) =>
      expect(y).toBeCloseTo((values[i]! - runningMean[i % c]!) / Math.sqrt(runningVar[i % c]! + 1e-5), 4),
    );
    store.dispose();
  });

  it(
    'matches tf.moments + tf.batchNorm on the cpu backend in training ' + 'mode, values and gradients, to 1e-4',
    async () => {
      const shape: [number, number, number] = [6, 40, 8];
      const size = shape[0] * shape[1] * shape[2];
      const x = Float32Array.from(randomArray(size, 31), (v) => 3 * v + 1.5);
      const gamma = Float32Array.from(randomArray(8, 32), (v) => 1 + 0.5 * v);
      const beta = Float32Array.from(randomArray(8, 33));
      const r = Float32Array.from(randomArray(size, 34));
      /** y and the gradients of Σ r⊙y with respect to x, γ and β. */
      const evaluate = (norm: (x: tf.Tensor3D) => tf.Tensor, g: tf.Variable, b: tf.Variable): Float32Array[] => {
        const xs = tf.variable(tf.tensor3d(x, shape));
        const y = tf.tidy(() => norm(xs).dataSync() as Float32Array);
        const { value, grads } = tf.variableGrads(() => tf.sum(tf.mul(norm(xs), tf.tensor3d(r, shape))), [xs, g, b]);
        const out = [y, ...[xs, g, b].map((v) => grads[v.name]!.dataSync() as Float32Array)];
        tf.dispose([value, ...Object.values(grads), xs]);
        return out;
      };
      await initBackend('cpu');
      const [g, b] = [tf.variable(tf.tensor1d(gamma)), tf.variable(tf.tensor1d(beta))];
      const reference = evaluate(
        (xs) => {
          const { mean, variance } = tf.moments(xs, [0, 1]);
          return tf.batchNorm(xs, mean, variance, b, g, 1e-5);
        },
        g,
        b,
      );
      tf.dispose([g, b]);
      await initBackend('wasm');
      const store = new ParameterStore(1);
      const bn = new BatchNorm(store, 'bn', 8, 0.1, 1e-5);
      tf.tidy(() => {
        bn.gamma.assign(tf.tensor1d(gamma));
        bn.beta.assign(tf.tensor1d(beta));
      });
      const ours = evaluate((xs) => bn.apply(xs, true), bn.gamma, bn.beta);
      store.dispose();
      expect(ours).toHaveLength(4);
      ours.forEach((got, i) => expect(relativeError(got, reference[i]!)).toBeLessThan(1e-4));
    },
  );

  it('leaks no tensors in training or eval mode, forward or backward', () => {
    const store = new ParameterStore(1);
    const bn = new BatchNorm(store, 'bn', c, 0.1, 1e-5);
    const x = tf.tensor3d(values, [b, t, c]);
    for (const training of [true, false]) {
      expectNoLeakedTensors(() => {
        const { value, grads } = tf.variableGrads(() => tf.sum(tf.square(bn.apply(x, training))), [bn.gamma, bn.beta]);
        tf.dispose([value, ...Object.values(grads)]);
      });
    }
    x.dispose();
    store.dispose();
  });
});
