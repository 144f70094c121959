import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { numericalGradient, randomArray, relativeError } from '../models/kernels/test-utils/parity.js';
import { initBackend } from '../runtime/backend.js';
import { consistencyLoss } from './consistency.js';
import { cosineDisagreement } from './cosine-disagreement.js';
import { symmetricKl } from './symmetric-kl.js';

const t2 = (values: ArrayLike<number>, rows: number, cols: number): tf.Tensor2D =>
  tf.tensor2d(Float32Array.from(values), [rows, cols]);
const value = (f: () => tf.Scalar): number => tf.tidy(() => f().dataSync()[0]!);

/** Rows of `flat` turned into log-softmax distributions, float64. */
function logSoftmaxRows(flat: Float64Array, rows: number, cols: number): Float64Array {
  const out = new Float64Array(flat.length);
  for (let r = 0; r < rows; r++) {
    const row = flat.subarray(r * cols, r * cols + cols);
    const lse = Math.log(row.reduce((s, x) => s + Math.exp(x), 0));
    row.forEach((x, c) => (out[r * cols + c] = x - lse));
  }
  return out;
}

/** docs/method.md's L_consistency as float64 loops, from logits (so the inputs stay valid distributions). */
function referenceConsistency(
  logitsA: Float64Array,
  logitsB: Float64Array,
  ha: Float64Array,
  hb: Float64Array,
  nq: number,
  c: number,
  d: number,
  eta: number,
): number {
  const la = logSoftmaxRows(logitsA, nq, c);
  const lb = logSoftmaxRows(logitsB, nq, c);
  let kl = 0;
  for (let i = 0; i < nq * c; i++)
    kl += 0.5 * (Math.exp(la[i]!) * (la[i]! - lb[i]!) + Math.exp(lb[i]!) * (lb[i]! - la[i]!));
  let cos = 0;
  const n = ha.length / d;
  for (let i = 0; i < n; i++) {
    let ab = 0,
      aa = 0,
      bb = 0;
    for (let k = 0; k < d; k++) {
      ab += ha[i * d + k]! * hb[i * d + k]!;
      aa += ha[i * d + k]! ** 2;
      bb += hb[i * d + k]! ** 2;
    }
    cos += 1 - ab / Math.sqrt(aa * bb);
  }
  return kl / nq + (eta * cos) / n;
}

describe('symmetricKl', () => {
  beforeAll(async () => {
    await initBackend();
  });

  it('matches a hand-computed pair of two-class distributions', () => {
    const p = [0.5, 0.5];
    const q = [0.9, 0.1];
    const expected =
      0.5 *
      (0.5 * Math.log(0.5 / 0.9) + 0.5 * Math.log(0.5 / 0.1) + 0.9 * Math.log(0.9 / 0.5) + 0.1 * Math.log(0.1 / 0.5));
    expect(value(() => symmetricKl(t2(p.map(Math.log), 1, 2), t2(q.map(Math.log), 1, 2)))).toBeCloseTo(expected, 6);
  });

  it('is zero for identical distributions, symmetric and positive otherwise', () => {
    const a = logSoftmaxRows(randomArray(12, 5), 4, 3);
    const b = logSoftmaxRows(randomArray(12, 6), 4, 3);
    expect(value(() => symmetricKl(t2(a, 4, 3), t2(a, 4, 3)))).toBeCloseTo(0, 7);
    const ab = value(() => symmetricKl(t2(a, 4, 3), t2(b, 4, 3)));
    expect(ab).toBeGreaterThan(0);
    expect(value(() => symmetricKl(t2(b, 4, 3), t2(a, 4, 3)))).toBeCloseTo(ab, 6);
  });
});

describe('cosineDisagreement', () => {
  it('is 0 for parallel, 1 for orthogonal and 2 for opposite rows, whatever their lengths', () => {
    expect(value(() => cosineDisagreement(t2([1, 0], 1, 2), t2([3, 0], 1, 2)))).toBeCloseTo(0, 6);
    expect(value(() => cosineDisagreement(t2([1, 0], 1, 2), t2([0, 0.2], 1, 2)))).toBeCloseTo(1, 6);
    expect(value(() => cosineDisagreement(t2([1, 0], 1, 2), t2([-2, 0], 1, 2)))).toBeCloseTo(2, 6);
    expect(value(() => cosineDisagreement(t2([1, 0, 1, 0], 2, 2), t2([5, 0, 0, 1], 2, 2)))).toBeCloseTo(0.5, 6);
  });

  it('stays finite on an all-zero row', () => {
    expect(value(() => cosineDisagreement(t2([0, 0], 1, 2), t2([1, 0], 1, 2)))).toBeCloseTo(1, 6);
  });
});

describe('consistencyLoss', () => {
  const nq = 4;
  const c = 3;
  const d = 5;
  const logitsA = randomArray(nq * c, 7);
  const logitsB = randomArray(nq * c, 8);
  const ha = randomArray(6 * d, 9);
  const hb = randomArray(6 * d, 10);

  const lossFrom = (la: tf.Tensor2D, lb: tf.Tensor2D, a: tf.Tensor2D, b: tf.Tensor2D, eta: number): tf.Scalar =>
    consistencyLoss(
      { queryLogProbsA: tf.logSoftmax(la), queryLogProbsB: tf.logSoftmax(lb), ecgEmbeddingA: a, ecgEmbeddingB: b },
      eta,
    );

  it('equals the symmetric KL plus η times the cosine disagreement, as written in docs/method.md', () => {
    const got = value(() => lossFrom(t2(logitsA, nq, c), t2(logitsB, nq, c), t2(ha, 6, d), t2(hb, 6, d), 0.5));
    expect(got).toBeCloseTo(referenceConsistency(logitsA, logitsB, ha, hb, nq, c, d, 0.5), 5);
  });

  it('has gradients that match float64 central differences', () => {
    const grads = tf.tidy(() =>
      tf
        .grads((la, lb, a, b) =>
          lossFrom(la as tf.Tensor2D, lb as tf.Tensor2D, a as tf.Tensor2D, b as tf.Tensor2D, 0.7),
        )([t2(logitsA, nq, c), t2(logitsB, nq, c), t2(ha, 6, d), t2(hb, 6, d)])
        .map((g) => g.dataSync().slice()),
    );
    const params = [
      new Float64Array(logitsA),
      new Float64Array(logitsB),
      new Float64Array(ha),
      new Float64Array(hb),
    ] as const;
    const f = (): number => referenceConsistency(params[0], params[1], params[2], params[3], nq, c, d, 0.7);
    params.forEach((p, i) => expect(relativeError(grads[i]!, numericalGradient(f, p, 1e-5))).toBeLessThan(1e-4));
  });

  it('leaks no tensors across repeated calls', () => {
    const inputs = [t2(logitsA, nq, c), t2(logitsB, nq, c), t2(ha, 6, d), t2(hb, 6, d)] as const;
    const once = (): void => tf.tidy(() => void lossFrom(...inputs, 0.5));
    once();
    const before = tf.memory().numTensors;
    for (let i = 0; i < 5; i++) once();
    expect(tf.memory().numTensors).toBe(before);
    const direct = consistencyLoss(
      { queryLogProbsA: inputs[0], queryLogProbsB: inputs[1], ecgEmbeddingA: inputs[2], ecgEmbeddingB: inputs[3] },
      0.5,
    );
    direct.dispose();
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([...inputs]);
  });
});
