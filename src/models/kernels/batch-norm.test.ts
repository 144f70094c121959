import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../runtime/backend.js';
import { batchNormTraining } from './batch-norm.js';
import { expectNoLeakedTensors, numericalGradient, randomArray, relativeError } from './test-utils/parity.js';

const EPS = 1e-3;

/** Float64 loops: Σ_{n,c} R[n,c]·(γ_c (x[n,c] − μ_c)/√(σ²_c + ε) + β_c). */
function referenceLoss(
  x: Float64Array,
  gamma: Float64Array,
  beta: Float64Array,
  r: Float64Array,
  channels: number,
): number {
  const n = x.length / channels;
  let loss = 0;
  for (let c = 0; c < channels; c++) {
    let mean = 0;
    for (let i = 0; i < n; i++) mean += x[i * channels + c]!;
    mean /= n;
    let variance = 0;
    for (let i = 0; i < n; i++) variance += (x[i * channels + c]! - mean) ** 2;
    variance /= n;
    for (let i = 0; i < n; i++)
      loss +=
        r[i * channels + c]! * ((gamma[c]! * (x[i * channels + c]! - mean)) / Math.sqrt(variance + EPS) + beta[c]!);
  }
  return loss;
}

type Norm = (x: tf.Tensor, g: tf.Tensor1D, b: tf.Tensor1D) => tf.Tensor;
const ours: Norm = (x, g, b) => batchNormTraining(x, g, b, EPS);
const tfjsReference: Norm = (x, g, b) => {
  const { mean, variance } = tf.moments(x, [...Array(x.rank - 1).keys()]);
  return tf.batchNorm(x, mean, variance, b, g, EPS);
};

function run(norm: Norm, shape: number[], x: Float64Array, g: Float64Array, b: Float64Array, r: Float64Array) {
  return tf.tidy(() => {
    const c = shape[shape.length - 1]!;
    const xt = tf.tensor(Float32Array.from(x), shape);
    const gt = tf.tensor1d(Float32Array.from(g));
    const bt = tf.tensor1d(Float32Array.from(b));
    const rt = tf.tensor(Float32Array.from(r), shape);
    const y = norm(xt, gt, bt);
    const [dx, dg, db] = tf.grads((a: tf.Tensor, s: tf.Tensor, o: tf.Tensor) =>
      tf.sum(tf.mul(norm(a, s as tf.Tensor1D, o as tf.Tensor1D), rt)),
    )([xt, gt, bt]);
    expect(dg!.shape).toEqual([c]);
    return { y: y.dataSync(), dx: dx!.dataSync(), dg: dg!.dataSync(), db: db!.dataSync() };
  });
}

describe('batchNormTraining on wasm', () => {
  it('matches float64 loops and their numerical gradients', async () => {
    await initBackend('wasm');
    const shape = [3, 5, 4];
    const size = 60;
    const x = randomArray(size, 11).map((v) => 2 * v + 1);
    const g = randomArray(4, 12);
    const b = randomArray(4, 13);
    const r = randomArray(size, 14);
    const got = run(ours, shape, x, g, b, r);
    const loss = (): number => referenceLoss(x, g, b, r, 4);
    expect(relativeError(got.dx, numericalGradient(loss, x))).toBeLessThan(1e-4);
    expect(relativeError(got.dg, numericalGradient(loss, g))).toBeLessThan(1e-4);
    expect(relativeError(got.db, numericalGradient(loss, b))).toBeLessThan(1e-4);
  });

  it('agrees with tf.moments + tf.batchNorm and their gradients on the cpu backend', async () => {
    const shape = [6, 40, 8];
    const size = 6 * 40 * 8;
    const x = randomArray(size, 21).map((v) => 3 * v - 2);
    const g = randomArray(8, 22);
    const b = randomArray(8, 23);
    const r = randomArray(size, 24);
    await initBackend('cpu');
    const reference = run(tfjsReference, shape, x, g, b, r);
    await initBackend('wasm');
    const got = run(ours, shape, x, g, b, r);
    expect(relativeError(got.y, reference.y)).toBeLessThan(1e-4);
    expect(relativeError(got.dx, reference.dx)).toBeLessThan(1e-4);
    expect(relativeError(got.dg, reference.dg)).toBeLessThan(1e-4);
    expect(relativeError(got.db, reference.db)).toBeLessThan(1e-4);
  });

  it('hands the biased batch mean and variance per channel to its callback, once', async () => {
    await initBackend('wasm');
    const seen: number[][][] = [];
    tf.tidy(() => {
      batchNormTraining(
        tf.tensor3d([
          [
            [1, 10],
            [3, 10],
          ],
          [
            [5, 10],
            [7, 14],
          ],
        ]),
        tf.ones([2]),
        tf.zeros([2]),
        1e-5,
        (mean, variance) => seen.push([Array.from(mean.dataSync()), Array.from(variance.dataSync())]),
      );
    });
    expect(seen).toEqual([
      [
        [4, 11],
        [5, 3],
      ],
    ]);
  });

  it('leaves no tensor behind in forward and backward', async () => {
    await initBackend('wasm');
    const x = tf.randomNormal([4, 10, 3], 0, 1, 'float32', 1);
    const g = tf.variable(tf.ones([3]));
    const b = tf.variable(tf.zeros([3]));
    const step = (): void => {
      const { value, grads } = tf.variableGrads(() =>
        tf
          .sum(tf.square(batchNormTraining(x, g as unknown as tf.Tensor1D, b as unknown as tf.Tensor1D, 1e-5)))
          .asScalar(),
      );
      value.dispose();
      tf.dispose(grads);
    };
    expectNoLeakedTensors(step);
    tf.dispose([x, g, b]);
  });
});
