import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { FewbeatError } from '../errors.js';
import { numericalGradient, randomArray, relativeError } from '../models/kernels/test-utils/parity.js';
import { initBackend } from '../runtime/backend.js';
import { contrastiveLoss, type ContrastiveOptions } from './contrastive.js';

/** Rows of `flat` ([n, d]) scaled to unit length, in float64. */
function normalizeRows(flat: Float64Array, n: number, d: number): Float64Array {
  const out = new Float64Array(flat);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let c = 0; c < d; c++) s += out[i * d + c]! ** 2;
    for (let c = 0; c < d; c++) out[i * d + c]! /= Math.sqrt(s);
  }
  return out;
}

/** docs/method.md's formula written as plain float64 loops, term by term (a second implementation). */
function referenceLoss(
  u: Float64Array,
  v: Float64Array,
  n: number,
  d: number,
  scale: number,
  o: ContrastiveOptions,
): number {
  const dot = (a: Float64Array, i: number, b: Float64Array, k: number): number => {
    let s = 0;
    for (let c = 0; c < d; c++) s += a[i * d + c]! * b[k * d + c]!;
    return s;
  };
  const weight = (i: number, k: number): number => {
    if (o.patientIds[k] === o.patientIds[i]) return 1;
    if (o.labels[k] === o.labels[i]) return o.beta;
    if (o.ageBands[k] === o.ageBands[i]) return o.gamma;
    return 1;
  };
  const direction = (a: Float64Array, b: Float64Array): number => {
    let total = 0;
    for (let i = 0; i < n; i++) {
      let denominator = 0;
      for (let k = 0; k < n; k++) denominator += weight(i, k) * Math.exp(scale * dot(a, i, b, k));
      const positives = [...Array(n).keys()].filter((j) => o.patientIds[j] === o.patientIds[i]);
      let row = 0;
      for (const j of positives) row += Math.log(Math.exp(scale * dot(a, i, b, j)) / denominator);
      total -= row / positives.length;
    }
    return total / n;
  };
  return 0.5 * (direction(u, v) + direction(v, u));
}

/** CLIP's symmetric InfoNCE: mean of row-wise and column-wise cross-entropy with targets on the diagonal. */
function clipLoss(u: Float64Array, v: Float64Array, n: number, d: number, scale: number): number {
  const logits = (i: number, k: number): number => {
    let s = 0;
    for (let c = 0; c < d; c++) s += u[i * d + c]! * v[k * d + c]!;
    return scale * s;
  };
  let rows = 0;
  let cols = 0;
  for (let i = 0; i < n; i++) {
    let rowSum = 0;
    let colSum = 0;
    for (let k = 0; k < n; k++) {
      rowSum += Math.exp(logits(i, k));
      colSum += Math.exp(logits(k, i));
    }
    rows += Math.log(rowSum) - logits(i, i);
    cols += Math.log(colSum) - logits(i, i);
  }
  return (rows / n + cols / n) / 2;
}

function lossOf(u: Float64Array, v: Float64Array, n: number, d: number, scale: number, o: ContrastiveOptions): number {
  return tf.tidy(() => {
    const loss = contrastiveLoss(
      tf.tensor2d(Float32Array.from(u), [n, d]),
      tf.tensor2d(Float32Array.from(v), [n, d]),
      tf.scalar(scale),
      o,
    );
    return loss.dataSync()[0]!;
  });
}

const n = 8;
const d = 6;
const metadata = {
  patientIds: [0, 0, 1, 2, 2, 2, 3, 4],
  labels: [0, 0, 1, 0, 0, 0, 1, 2],
  ageBands: [1, 1, 1, 0, 0, 0, 1, 1],
};
const tuned: ContrastiveOptions = { ...metadata, beta: 0.5, gamma: 2 };

describe('contrastiveLoss', () => {
  beforeAll(async () => {
    await initBackend();
  });

  const u = normalizeRows(randomArray(n * d, 1), n, d);
  const v = normalizeRows(randomArray(n * d, 2), n, d);

  it('gives log(e + w) − 1 per row on two orthonormal pairs, for w = 1, β and γ', () => {
    const e1e2 = new Float64Array([1, 0, 0, 1]);
    const twoRows = (labels: number[], ageBands: number[], beta: number, gamma: number): number =>
      lossOf(e1e2, e1e2, 2, 2, 1, { patientIds: [0, 1], labels, ageBands, beta, gamma });
    expect(twoRows([0, 1], [0, 1], 0.5, 2)).toBeCloseTo(Math.log(Math.E + 1) - 1, 6);
    expect(twoRows([0, 0], [0, 1], 0.5, 2)).toBeCloseTo(Math.log(Math.E + 0.5) - 1, 6);
    expect(twoRows([0, 1], [3, 3], 0.5, 2)).toBeCloseTo(Math.log(Math.E + 2) - 1, 6);
    expect(twoRows([0, 0], [3, 3], 0, 2)).toBeCloseTo(0, 6);
  });

  it('matches the formula written as loops, with several recordings per patient, β and γ', () => {
    expect(lossOf(u, v, n, d, 5, tuned)).toBeCloseTo(referenceLoss(u, v, n, d, 5, tuned), 4);
  });

  it('is CLIP symmetric InfoNCE when β = γ = 1 and every recording is its own patient', () => {
    const clip = {
      patientIds: [...Array(n).keys()],
      labels: metadata.labels,
      ageBands: metadata.ageBands,
      beta: 1,
      gamma: 1,
    };
    expect(lossOf(u, v, n, d, 14.3, clip)).toBeCloseTo(clipLoss(u, v, n, d, 14.3), 4);
  });

  it('is symmetric under swapping the ECG and clinical projections', () => {
    expect(lossOf(v, u, n, d, 5, tuned)).toBeCloseTo(lossOf(u, v, n, d, 5, tuned), 5);
  });

  it('does not depend on the order of the rows', () => {
    const order = [5, 2, 7, 0, 3, 1, 6, 4];
    const permute = (x: Float64Array): Float64Array => {
      const out = new Float64Array(x.length);
      order.forEach((from, to) => out.set(x.subarray(from * d, from * d + d), to * d));
      return out;
    };
    const pick = (xs: number[]): number[] => order.map((i) => xs[i]!);
    const permuted = {
      patientIds: pick(metadata.patientIds),
      labels: pick(metadata.labels),
      ageBands: pick(metadata.ageBands),
      beta: 0.5,
      gamma: 2,
    };
    expect(lossOf(permute(u), permute(v), n, d, 5, permuted)).toBeCloseTo(lossOf(u, v, n, d, 5, tuned), 5);
  });

  it('is never below mean log|P(i)| (hence non-negative) on random projections', () => {
    const floor =
      metadata.patientIds.reduce((s, p) => s + Math.log(metadata.patientIds.filter((q) => q === p).length), 0) / n;
    for (let seed = 10; seed < 20; seed++) {
      const a = normalizeRows(randomArray(n * d, seed), n, d);
      const b = normalizeRows(randomArray(n * d, seed + 100), n, d);
      expect(lossOf(a, b, n, d, 20, tuned)).toBeGreaterThanOrEqual(floor);
    }
  });

  it('is lowest at perfect alignment and tends to mean log|P(i)| there as the scale grows', () => {
    // Perfect alignment: every recording of patient p maps to the same basis vector e_p in both modalities.
    const aligned = new Float64Array(n * d);
    metadata.patientIds.forEach((p, i) => (aligned[i * d + p] = 1));
    const atAlignment = lossOf(aligned, aligned, n, d, 10, tuned);
    for (let seed = 30; seed < 40; seed++) {
      const noise = randomArray(n * d, seed).map((x) => 0.3 * x);
      const perturbed = normalizeRows(
        aligned.map((x, i) => x + noise[i]!),
        n,
        d,
      );
      expect(lossOf(perturbed, aligned, n, d, 10, tuned)).toBeGreaterThan(atAlignment);
    }
    const floor =
      metadata.patientIds.reduce((s, p) => s + Math.log(metadata.patientIds.filter((q) => q === p).length), 0) / n;
    expect(lossOf(aligned, aligned, n, d, 60, tuned)).toBeCloseTo(floor, 5);
  });

  it('has gradients in u, v and the scale that match float64 central differences of the formula', () => {
    const scale = 3;
    const [gu, gv, gs] = tf.tidy(() => {
      const grads = tf.grads((a, b, s) => contrastiveLoss(a as tf.Tensor2D, b as tf.Tensor2D, s as tf.Scalar, tuned));
      return grads([
        tf.tensor2d(Float32Array.from(u), [n, d]),
        tf.tensor2d(Float32Array.from(v), [n, d]),
        tf.scalar(scale),
      ]).map((g) => g.dataSync().slice());
    });
    const uu = new Float64Array(u);
    const vv = new Float64Array(v);
    const ss = new Float64Array([scale]);
    const f = (): number => referenceLoss(uu, vv, n, d, ss[0]!, tuned);
    expect(relativeError(gu!, numericalGradient(f, uu, 1e-5))).toBeLessThan(1e-4);
    expect(relativeError(gv!, numericalGradient(f, vv, 1e-5))).toBeLessThan(1e-4);
    expect(relativeError(gs!, numericalGradient(f, ss, 1e-5))).toBeLessThan(1e-4);
  });

  it('leaks no tensors across repeated calls', () => {
    const a = tf.tensor2d(Float32Array.from(u), [n, d]);
    const b = tf.tensor2d(Float32Array.from(v), [n, d]);
    const s = tf.scalar(5);
    contrastiveLoss(a, b, s, tuned).dispose();
    const before = tf.memory().numTensors;
    for (let i = 0; i < 5; i++) contrastiveLoss(a, b, s, tuned).dispose();
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([a, b, s]);
  });

  it('names the argument when shapes or metadata do not match', () => {
    const a = tf.zeros([n, d]) as tf.Tensor2D;
    const b = tf.zeros([n - 1, d]) as tf.Tensor2D;
    const s = tf.scalar(1);
    expect(() => contrastiveLoss(a, b, s, tuned)).toThrow(/contrastiveLoss: v has shape \[7,6\], expected \[8,6\]/);
    expect(() => contrastiveLoss(a, a, s, { ...tuned, labels: [0] })).toThrow(FewbeatError);
    expect(() => contrastiveLoss(a, a, s, { ...tuned, beta: 2 })).toThrow(/beta must be in \[0, 1\]/);
    tf.dispose([a, b, s]);
  });
});
