import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../runtime/backend.js';
import { conv1d, conv1dGeometry, type Conv1dPadding } from './conv1d.js';
import { expectNoLeakedTensors, numericalGradient, randomArray, relativeError } from './test-utils/parity.js';

/** Plain float64 loops: y[b,t,o] = Σ_{j,c} xp[b, t·s + j, c] w[j,c,o], TensorFlow padding. */
function referenceConv1d(
  x: Float64Array,
  xs: number[],
  w: Float64Array,
  ws: number[],
  stride: number,
  pad: Conv1dPadding,
): Float64Array {
  const [B, L, C] = xs as [number, number, number];
  const [K, , O] = ws as [number, number, number];
  const { outLength: T, padLeft } = conv1dGeometry(L, K, stride, pad);
  const y = new Float64Array(B * T * O);
  for (let b = 0; b < B; b++)
    for (let t = 0; t < T; t++)
      for (let o = 0; o < O; o++) {
        let acc = 0;
        for (let j = 0; j < K; j++) {
          const i = t * stride + j - padLeft;
          if (i < 0 || i >= L) continue;
          for (let c = 0; c < C; c++) acc += x[(b * L + i) * C + c]! * w[(j * C + c) * O + o]!;
        }
        y[(b * T + t) * O + o] = acc;
      }
  return y;
}

const dot = (a: Float64Array, b: Float64Array): number => a.reduce((s, v, i) => s + v * b[i]!, 0);

interface Case {
  name: string;
  B: number;
  L: number;
  C: number;
  O: number;
  K: number;
  stride: number;
  pad: Conv1dPadding;
}
const cases: Case[] = [
  { name: 'k=5, stride 2, same, even length', B: 3, L: 16, C: 3, O: 4, K: 5, stride: 2, pad: 'same' },
  { name: 'k=7, stride 2, same, odd length', B: 2, L: 15, C: 2, O: 3, K: 7, stride: 2, pad: 'same' },
  { name: 'k=5, stride 1, same', B: 2, L: 11, C: 3, O: 2, K: 5, stride: 1, pad: 'same' },
  {
    name: 'k=1, stride 2, same, odd length (a 1×1 strided shortcut)',
    B: 2,
    L: 9,
    C: 3,
    O: 4,
    K: 1,
    stride: 2,
    pad: 'same',
  },
  { name: 'k=1, stride 2, same, even length', B: 3, L: 10, C: 2, O: 3, K: 1, stride: 2, pad: 'same' },
  { name: 'k=1, stride 1, valid', B: 2, L: 7, C: 3, O: 2, K: 1, stride: 1, pad: 'valid' },
  { name: 'k=4, stride 3, valid, leftover samples', B: 2, L: 14, C: 2, O: 3, K: 4, stride: 3, pad: 'valid' },
  { name: 'k=2, stride 3, same (kernel shorter than stride)', B: 2, L: 10, C: 2, O: 2, K: 2, stride: 3, pad: 'same' },
];

/** Values and gradients of Σ y·R on the backend that is active now, through `conv`. */
function run(
  conv: (x: tf.Tensor3D, w: tf.Tensor3D) => tf.Tensor3D,
  c: Case,
  x: Float64Array,
  w: Float64Array,
  r: Float64Array,
) {
  return tf.tidy(() => {
    const xt = tf.tensor3d(Float32Array.from(x), [c.B, c.L, c.C]);
    const wt = tf.tensor3d(Float32Array.from(w), [c.K, c.C, c.O]);
    const y = conv(xt, wt);
    const rt = tf.tensor(Float32Array.from(r), y.shape);
    const [dx, dw] = tf.grads((a: tf.Tensor, b: tf.Tensor) =>
      tf.sum(tf.mul(conv(a as tf.Tensor3D, b as tf.Tensor3D), rt)),
    )([xt, wt]);
    return { y: y.dataSync(), dx: dx!.dataSync(), dw: dw!.dataSync() };
  });
}

describe('conv1d on wasm', () => {
  beforeAll(async () => {
    await initBackend('wasm');
  });
  afterAll(async () => {
    await initBackend('wasm');
  });

  for (const c of cases) {
    it(`matches float64 loops and their numerical gradients (${c.name})`, async () => {
      await initBackend('wasm');
      const x = randomArray(c.B * c.L * c.C, 1);
      const w = randomArray(c.K * c.C * c.O, 2);
      const T = conv1dGeometry(c.L, c.K, c.stride, c.pad).outLength;
      const r = randomArray(c.B * T * c.O, 3);
      const got = run((a, b) => conv1d(a, b, c.stride, c.pad), c, x, w, r);
      const xs = [c.B, c.L, c.C];
      const ws = [c.K, c.C, c.O];
      const loss = (): number => dot(referenceConv1d(x, xs, w, ws, c.stride, c.pad), r);
      expect(relativeError(got.y, referenceConv1d(x, xs, w, ws, c.stride, c.pad))).toBeLessThan(1e-5);
      expect(relativeError(got.dx, numericalGradient(loss, x))).toBeLessThan(1e-4);
      expect(relativeError(got.dw, numericalGradient(loss, w))).toBeLessThan(1e-4);
    });

    it(`agrees with tfjs's own conv1d gradient on the cpu backend (${c.name})`, async () => {
      const x = randomArray(c.B * c.L * c.C, 4);
      const w = randomArray(c.K * c.C * c.O, 5);
      const T = conv1dGeometry(c.L, c.K, c.stride, c.pad).outLength;
      const r = randomArray(c.B * T * c.O, 6);
      await initBackend('cpu');
      const reference = run((a, b) => tf.conv1d(a, b, c.stride, c.pad), c, x, w, r);
      await initBackend('wasm');
      const got = run((a, b) => conv1d(a, b, c.stride, c.pad), c, x, w, r);
      expect(relativeError(got.y, reference.y)).toBeLessThan(1e-5);
      expect(relativeError(got.dx, reference.dx)).toBeLessThan(1e-4);
      expect(relativeError(got.dw, reference.dw)).toBeLessThan(1e-4);
    });
  }

  it('matches at bench size (B=8, L=250, 32→64, k=5, stride 2) against the cpu backend', async () => {
    const c: Case = { name: 'bench', B: 8, L: 250, C: 32, O: 64, K: 5, stride: 2, pad: 'same' };
    const x = randomArray(c.B * c.L * c.C, 7);
    const w = randomArray(c.K * c.C * c.O, 8);
    const r = randomArray(c.B * 125 * c.O, 9);
    await initBackend('cpu');
    const reference = run((a, b) => tf.conv1d(a, b, c.stride, c.pad), c, x, w, r);
    await initBackend('wasm');
    const got = run((a, b) => conv1d(a, b, c.stride, c.pad), c, x, w, r);
    expect(relativeError(got.dx, reference.dx)).toBeLessThan(1e-4);
    expect(relativeError(got.dw, reference.dw)).toBeLessThan(1e-4);
  });

  it(
    'gives the same output and filter gradient without an input ' + 'gradient, and refuses to differentiate x then',
    async () => {
      await initBackend('wasm');
      const c = cases[0]!;
      const x = randomArray(c.B * c.L * c.C, 3);
      const w = randomArray(c.K * c.C * c.O, 4);
      const T = conv1dGeometry(c.L, c.K, c.stride, c.pad).outLength;
      const r = randomArray(c.B * T * c.O, 5);
      const full = run((a, b) => conv1d(a, b, c.stride, c.pad), c, x, w, r);
      const [y, dw] = tf.tidy(() => {
        const xt = tf.tensor3d(Float32Array.from(x), [c.B, c.L, c.C]);
        const wt = tf.tensor3d(Float32Array.from(w), [c.K, c.C, c.O]);
        const rt = tf.tensor(Float32Array.from(r), [c.B, T, c.O]);
        const dataConv = (b: tf.Tensor): tf.Tensor3D =>
          conv1d(xt, b as tf.Tensor3D, c.stride, c.pad, { inputGradient: false });
        expect(() =>
          tf.grad((a: tf.Tensor) => tf.sum(conv1d(a as tf.Tensor3D, wt, c.stride, c.pad, { inputGradient: false })))(
            xt,
          ),
        ).toThrow();
        return [
          dataConv(wt).dataSync(),
          tf
            .grad((b: tf.Tensor) => tf.sum(tf.mul(dataConv(b), rt)))(wt)
            .dataSync(),
        ];
      });
      expect(Array.from(y!)).toEqual(Array.from(full.y));
      expect(Array.from(dw!)).toEqual(Array.from(full.dw));
    },
  );

  for (const inputGradient of [true, false]) {
    it(`leaves no tensor behind in forward and backward (input gradient ${inputGradient ? 'on' : 'off'})`, async () => {
      await initBackend('wasm');
      const x = tf.randomNormal([2, 20, 3], 0, 1, 'float32', 1) as tf.Tensor3D;
      const w = tf.variable(tf.randomNormal([5, 3, 4], 0, 1, 'float32', 2));
      const step = (): void => {
        const { value, grads } = tf.variableGrads(() =>
          tf.sum(conv1d(x, w as unknown as tf.Tensor3D, 2, 'same', { inputGradient })).asScalar(),
        );
        value.dispose();
        tf.dispose(grads);
      };
      expectNoLeakedTensors(step);
      tf.dispose([x, w]);
    });
  }

  it('rejects a kernel whose input channels do not match', async () => {
    await initBackend('wasm');
    tf.tidy(() => {
      expect(() => conv1d(tf.zeros([1, 8, 3]), tf.zeros([3, 2, 4]), 1, 'same')).toThrow(/3 channels.*expects 2/);
    });
  });
});
