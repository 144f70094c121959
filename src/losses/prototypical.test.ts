import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { numericalGradient, randomArray, relativeError } from '../models/kernels/test-utils/parity.js';
import { initBackend } from '../runtime/backend.js';
import { prototypicalLoss } from './prototypical.js';

/** Snell et al.'s loss as float64 loops (a second implementation). */
function referenceLoss(
  support: Float64Array,
  sLabels: number[],
  query: Float64Array,
  qLabels: number[],
  ways: number,
  d: number,
): number {
  const protos = new Float64Array(ways * d);
  const counts = new Array<number>(ways).fill(0);
  sLabels.forEach((c, i) => {
    counts[c]!++;
    for (let k = 0; k < d; k++) protos[c * d + k]! += support[i * d + k]!;
  });
  for (let c = 0; c < ways; c++) for (let k = 0; k < d; k++) protos[c * d + k]! /= counts[c]!;
  let total = 0;
  qLabels.forEach((y, q) => {
    const neg = [...Array(ways).keys()].map((c) => {
      let s = 0;
      for (let k = 0; k < d; k++) s += (query[q * d + k]! - protos[c * d + k]!) ** 2;
      return -s;
    });
    const lse = Math.log(neg.reduce((s, x) => s + Math.exp(x), 0));
    total += lse - neg[y]!;
  });
  return total / qLabels.length;
}

function run(
  support: ArrayLike<number>,
  sLabels: number[],
  query: ArrayLike<number>,
  qLabels: number[],
  ways: number,
  d: number,
): { loss: number; logProbs: Float32Array } {
  return tf.tidy(() => {
    const r = prototypicalLoss(
      tf.tensor2d(Float32Array.from(support), [sLabels.length, d]),
      sLabels,
      tf.tensor2d(Float32Array.from(query), [qLabels.length, d]),
      qLabels,
      ways,
    );
    return { loss: r.loss.dataSync()[0]!, logProbs: r.logProbs.dataSync() as Float32Array };
  });
}

describe('prototypicalLoss', () => {
  beforeAll(async () => {
    await initBackend();
  });

  const ways = 3;
  const d = 4;
  const sLabels = [0, 1, 2, 0, 1, 2];
  const qLabels = [2, 0, 1, 1, 0];
  const support = randomArray(sLabels.length * d, 3);
  const query = randomArray(qLabels.length * d, 4);

  it('matches a hand-computed two-way case', () => {
    // μ0 = mean([0,0],[2,0]) = [1,0], μ1 = [0,2]. Query [1,1]
    // (class 0): d = (1, 2). Query [0,3] (class 1): d = (10, 1).
    const r = run([0, 0, 2, 0, 0, 2], [0, 0, 1], [1, 1, 0, 3], [0, 1], 2, 2);
    expect(r.loss).toBeCloseTo((Math.log(1 + Math.exp(-1)) + Math.log(1 + Math.exp(-9))) / 2, 6);
    expect(r.logProbs[0]).toBeCloseTo(-Math.log(1 + Math.exp(-1)), 6);
    expect(r.logProbs[1]).toBeCloseTo(-1 - Math.log(1 + Math.exp(-1)), 6);
  });

  it('matches the formula written as loops on random embeddings', () => {
    expect(run(support, sLabels, query, qLabels, ways, d).loss).toBeCloseTo(
      referenceLoss(support, sLabels, query, qLabels, ways, d),
      4,
    );
  });

  it('returns log-probabilities whose rows sum to one', () => {
    const { logProbs } = run(support, sLabels, query, qLabels, ways, d);
    for (let q = 0; q < qLabels.length; q++) {
      expect(
        Math.exp(logProbs[q * ways]!) + Math.exp(logProbs[q * ways + 1]!) + Math.exp(logProbs[q * ways + 2]!),
      ).toBeCloseTo(1, 5);
    }
  });

  it(
    'is non-negative and unchanged by reordering the support, renaming ' + 'the classes or translating every embedding',
    () => {
      const base = run(support, sLabels, query, qLabels, ways, d).loss;
      expect(base).toBeGreaterThanOrEqual(0);
      const order = [4, 0, 5, 2, 1, 3];
      const reordered = new Float64Array(support.length);
      order.forEach((from, to) => reordered.set(support.subarray(from * d, from * d + d), to * d));
      expect(
        run(
          reordered,
          order.map((i) => sLabels[i]!),
          query,
          qLabels,
          ways,
          d,
        ).loss,
      ).toBeCloseTo(base, 5);
      const rename = [2, 0, 1];
      expect(
        run(
          support,
          sLabels.map((c) => rename[c]!),
          query,
          qLabels.map((c) => rename[c]!),
          ways,
          d,
        ).loss,
      ).toBeCloseTo(base, 5);
      const shift = (x: Float64Array): Float64Array => x.map((value, i) => value + [3, -1, 0.5, 2][i % d]!);
      expect(run(shift(support), sLabels, shift(query), qLabels, ways, d).loss).toBeCloseTo(base, 4);
    },
  );

  it('has gradients in support and query that match float64 central differences', () => {
    const [gs, gq] = tf.tidy(() => {
      const grads = tf.grads(
        (s, q) => prototypicalLoss(s as tf.Tensor2D, sLabels, q as tf.Tensor2D, qLabels, ways).loss,
      );
      return grads([
        tf.tensor2d(Float32Array.from(support), [6, d]),
        tf.tensor2d(Float32Array.from(query), [5, d]),
      ]).map((g) => g.dataSync().slice());
    });
    const s = new Float64Array(support);
    const q = new Float64Array(query);
    const f = (): number => referenceLoss(s, sLabels, q, qLabels, ways, d);
    expect(relativeError(gs!, numericalGradient(f, s, 1e-5))).toBeLessThan(1e-4);
    expect(relativeError(gq!, numericalGradient(f, q, 1e-5))).toBeLessThan(1e-4);
  });

  it('leaks no tensors across repeated calls', () => {
    const s = tf.tensor2d(Float32Array.from(support), [6, d]);
    const q = tf.tensor2d(Float32Array.from(query), [5, d]);
    const once = (): void => {
      const r = prototypicalLoss(s, sLabels, q, qLabels, ways);
      tf.dispose([r.loss, r.logProbs]);
    };
    once();
    const before = tf.memory().numTensors;
    for (let i = 0; i < 5; i++) once();
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([s, q]);
  });

  it('rejects a class without support and labels outside the episode', () => {
    const s = tf.zeros([2, d]) as tf.Tensor2D;
    const q = tf.zeros([1, d]) as tf.Tensor2D;
    expect(() => prototypicalLoss(s, [0, 0], q, [0], 2)).toThrow(/class 1 has no support example/);
    expect(() => prototypicalLoss(s, [0, 1], q, [2], 2)).toThrow(/query label 2 at row 0 is outside \[0, 2\)/);
    expect(() => prototypicalLoss(s, [0, 1], q, [0, 1], 2)).toThrow(/queryLabels has 2 entries, expected 1/);
    tf.dispose([s, q]);
  });
});
