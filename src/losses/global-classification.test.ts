import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { FewbeatError } from '../errors.js';
import { initBackend } from '../runtime/backend.js';
import { Rng } from '../util/rng.js';
import { globalClassificationLoss } from './global-classification.js';

/** The loss value for plain arrays (tensors created and freed here). */
function lossOf(x: number[][], w: number[][], b: number[], labels: number[]): number {
  return tf.tidy(
    () => globalClassificationLoss(tf.tensor2d(x), tf.tensor2d(w), tf.tensor1d(b), labels).dataSync()[0] as number,
  );
}

describe('globalClassificationLoss', () => {
  beforeAll(async () => {
    await initBackend();
  });

  it('matches a hand-computed two-row, three-class case', () => {
    // logits row 1 = [1, 0, 0] + b, row 2 = [0, 2, 0] + b with b = [0, 0, 0.5]
    const loss = lossOf(
      [
        [1, 0],
        [0, 1],
      ],
      [
        [1, 0, 0],
        [0, 2, 0],
      ],
      [0, 0, 0.5],
      [0, 1],
    );
    const row1 = -(1 - Math.log(Math.E + 1 + Math.exp(0.5)));
    const row2 = -(2 - Math.log(1 + Math.exp(2) + Math.exp(0.5)));
    expect(loss).toBeCloseTo((row1 + row2) / 2, 5);
  });

  it('is log C for a zero head, whatever the embedding', () => {
    expect(
      lossOf(
        [
          [3, -1],
          [0.5, 2],
        ],
        [
          [0, 0, 0, 0],
          [0, 0, 0, 0],
        ],
        [0, 0, 0, 0],
        [2, 3],
      ),
    ).toBeCloseTo(Math.log(4), 5);
  });

  it('is non-negative on random heads and embeddings', () => {
    const rng = new Rng(11);
    const m = (r: number, c: number): number[][] =>
      Array.from({ length: r }, () => Array.from({ length: c }, () => rng.normal(0, 3)));
    for (let trial = 0; trial < 20; trial++) {
      const labels = Array.from({ length: 6 }, () => rng.int(0, 4));
      expect(lossOf(m(6, 4), m(4, 5), m(1, 5)[0] as number[], labels)).toBeGreaterThanOrEqual(0);
    }
  });

  it('is near zero for a perfect large-margin head', () => {
    const labels = [0, 2, 1, 2];
    const x = labels.map((y) => [0, 1, 2].map((c) => (c === y ? 1 : 0)));
    const w = [0, 1, 2].map((r) => [0, 1, 2].map((c) => (r === c ? 50 : 0)));
    expect(lossOf(x, w, [0, 0, 0], labels)).toBeLessThan(1e-6);
  });

  it('has the bias gradient mean_i (softmax_i − onehot_i)', () => {
    const x = tf.tensor2d([
      [1, 0],
      [0, 1],
    ]);
    const w = tf.tensor2d([
      [1, 0, 0],
      [0, 2, 0],
    ]);
    const grad = tf.tidy(
      () =>
        tf
          .grad((b) => globalClassificationLoss(x, w, b as tf.Tensor1D, [0, 1]))(tf.tensor1d([0, 0, 0]))
          .arraySync() as number[],
    );
    const softmax = (z: number[]): number[] => z.map((v) => Math.exp(v) / z.reduce((s, u) => s + Math.exp(u), 0));
    const expected = [0, 1, 2].map(
      (c) =>
        ((softmax([1, 0, 0])[c] as number) -
          (c === 0 ? 1 : 0) +
          (softmax([0, 2, 0])[c] as number) -
          (c === 1 ? 1 : 0)) /
        2,
    );
    grad.forEach((g, c) => expect(g).toBeCloseTo(expected[c] as number, 5));
    tf.dispose([x, w]);
  });

  it('rejects a label outside the head and a head of the wrong width with a FewbeatError', () => {
    expect(() =>
      lossOf(
        [[1, 0]],
        [
          [1, 0],
          [0, 1],
        ],
        [0, 0],
        [2],
      ),
    ).toThrow(/labels\[0\] = 2 is not a class index in \[0, 2\)/);
    expect(() =>
      lossOf(
        [[1, 0, 0]],
        [
          [1, 0],
          [0, 1],
        ],
        [0, 0],
        [0],
      ),
    ).toThrow(FewbeatError);
  });

  it('leaves no tensors behind', () => {
    const before = tf.memory().numTensors;
    lossOf(
      [[1, 0]],
      [
        [1, 0],
        [0, 1],
      ],
      [0, 0],
      [1],
    );
    expect(tf.memory().numTensors).toBe(before);
  });
});
