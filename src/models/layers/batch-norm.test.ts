import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { randomArray } from '../kernels/test-utils/parity.js';
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
      return [bn.apply(x, true).dataSync().slice(), tf.batchNorm(x, tf.tensor1d(mean), tf.tensor1d(variance), tf.zeros([c]), tf.ones([c]), 1e-5).dataSync().slice()];
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
    const evalOut = tf.tidy(() => bn.apply(tf.tensor3d(values, [b, t, c]), false).dataSync().slice());
    evalOut.forEach((y, i) => expect(y).toBeCloseTo((values[i]! - runningMean[i % c]!) / Math.sqrt(runningVar[i % c]! + 1e-5), 4));
    store.dispose();
  });

  it('keeps separate running statistics per stream, and eval mode changes none of them', () => {
    const store = new ParameterStore(1);
    const bn = new BatchNorm(store, 'bn', c, 0.1, 1e-5, ['plain', 'film']);
    tf.tidy(() => void bn.apply(tf.tensor3d(values, [b, t, c]), true, 'film'));
    const weights = store.all();
    expect(Array.from(weights.get('bn.running_mean')!.dataSync())).toEqual([0, 0, 0, 0]);
    const filmMean = Array.from(weights.get('bn.film.running_mean')!.dataSync());
    expect(filmMean[3]).toBeGreaterThan(0.2);
    tf.tidy(() => void bn.apply(tf.tensor3d(values, [b, t, c]), false, 'film'));
    expect(Array.from(weights.get('bn.film.running_mean')!.dataSync())).toEqual(filmMean);
    store.dispose();
  });

  it('leaks no tensors when updating its statistics', () => {
    const store = new ParameterStore(1);
    const bn = new BatchNorm(store, 'bn', c, 0.1, 1e-5);
    const x = tf.tensor3d(values, [b, t, c]);
    tf.tidy(() => void bn.apply(x, true));
    const before = tf.memory().numTensors;
    for (let i = 0; i < 4; i++) tf.tidy(() => void bn.apply(x, true));
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
    store.dispose();
  });
});
