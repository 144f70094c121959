#!/usr/bin/env node
// Kernel-level before/after on tfjs-wasm: each fewbeat kernel against the path tfjs
// (or the obvious formulation) gives, on one layer of the lead's size (B=100, L=500, 32→64, k=5,
// stride 2), and a BatchNorm of the bench's size. Medians of wall-clock and
// CPU milliseconds, and the fast path's relative error against the slow one.
// Usage: npm run build && node bench/compare.kernels.mjs [--runs 9]
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../dist/runtime/backend.js';
import { conv1dFilterGradient, conv1dGeometry, conv1dInputGradient } from '../dist/models/kernels/conv1d.js';
import { batchNormTraining } from '../dist/models/kernels/batch-norm.js';

const runs = Number(process.argv[process.argv.indexOf('--runs') + 1] || 9);
await initBackend('wasm');

const median = (v) => [...v].sort((a, b) => a - b)[v.length >> 1];
function time(f) {
  tf.dispose(f());
  const wall = [];
  const cpu = [];
  for (let i = 0; i < runs; i++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    const out = f();
    (Array.isArray(out) ? out : [out]).forEach((t) => t.dataSync());
    wall.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1000);
    tf.dispose(out);
  }
  return { wall: median(wall), cpu: median(cpu) };
}
const relErr = (a, b) => tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0] / tf.max(tf.abs(b)).dataSync()[0]);

/** dW by im2col + matMul with the transposed-operand variant: patchesᵀ·dy. */
function filterGradientIm2col(x, dy, k, s) {
  return tf.tidy(() => {
    const [B, L, C] = x.shape;
    const [, T, O] = dy.shape;
    const { padLeft, padRight } = conv1dGeometry(L, k, s, 'same');
    const xp = tf.pad(x, [
      [0, 0],
      [padLeft, padRight],
      [0, 0],
    ]);
    const taps = [];
    for (let j = 0; j < k; j++) taps.push(tf.stridedSlice(xp, [0, j, 0], [B, j + (T - 1) * s + 1, C], [1, s, 1]));
    const patches = tf.concat(taps, 2).reshape([B * T, k * C]);
    return tf.matMul(patches, dy.reshape([B * T, O]), true, false).reshape([k, C, O]);
  });
}

const rows = [];
function row(what, slowName, slow, fastName, fast) {
  const a = time(slow);
  const b = time(fast);
  const err = tf.tidy(() => {
    const s = slow();
    const f = fast();
    return Array.isArray(s) ? Math.max(...s.map((t, i) => relErr(f[i], t))) : relErr(f, s);
  });
  rows.push({ what, slowName, slow: a, fastName, fast: b, speedup_cpu: a.cpu / b.cpu, rel_err: err });
}

{
  const [B, L, C, O, k, s] = [100, 500, 32, 64, 5, 2];
  const T = conv1dGeometry(L, k, s, 'same').outLength;
  const x = tf.randomNormal([B, L, C], 0, 1, 'float32', 1);
  const w = tf.randomNormal([k, C, O], 0, 1, 'float32', 2);
  const dy = tf.randomNormal([B, T, O], 0, 1, 'float32', 3);
  rows.push({
    what: 'forward conv1d, B=100 L=500 32→64 k5 s2',
    slowName: '',
    slow: null,
    fastName: 'tf.conv1d (XNNPACK)',
    fast: time(() => tf.conv1d(x, w, s, 'same')),
  });
  row(
    'input gradient dx, same layer',
    'tfjs Conv2DBackpropInput',
    () =>
      tf
        .conv2dTranspose(dy.reshape([B, 1, T, O]), w.reshape([1, k, C, O]), [B, 1, L, C], [1, s], 'same')
        .reshape([B, L, C]),
    'polyphase, one conv',
    () => conv1dInputGradient(dy, w, L, s, 'same'),
  );
  row(
    'filter gradient dW, same layer',
    'im2col + matMul(aᵀ·b)',
    () => filterGradientIm2col(x, dy, k, s),
    'batch-as-channels dilated conv',
    () => conv1dFilterGradient(x, dy, k, s, 'same'),
  );
}
{
  const x = tf.randomNormal([150, 250, 64], 1, 2, 'float32', 6);
  const gamma = tf.randomNormal([64], 1, 0.1, 'float32', 7);
  const beta = tf.randomNormal([64], 0, 0.1, 'float32', 8);
  const r = tf.randomNormal([150, 250, 64], 0, 1, 'float32', 9);
  const viaMoments = (a, g, b) => {
    const { mean, variance } = tf.moments(a, [0, 1]);
    return tf.batchNorm(a, mean, variance, b, g, 1e-5);
  };
  // A fresh activation tensor per run, as in training: XNNPACK keeps packed operands per tensor, so
  // re-using `x` would hide the cost of a matMul-based reduction.
  const grads = (norm) => () => tf.grads((a, g, b) => tf.sum(tf.mul(norm(tf.add(a, 0), g, b), r)))([x, gamma, beta]);
  row(
    'BatchNorm training forward + backward, B=150 T=250 C=64',
    'tf.moments + tf.batchNorm',
    grads(viaMoments),
    'batchNormTraining (fused)',
    grads((a, g, b) => batchNormTraining(a, g, b, 1e-5)),
  );
}

const f1 = (v) => v.toFixed(1);
console.log('| operation | before | wall / CPU ms | after (fewbeat) | wall / CPU ms | CPU speed-up | rel. error |');
console.log('|---|---|---|---|---|---|---|');
for (const r of rows) {
  const before = r.slow ? `${f1(r.slow.wall)} / ${f1(r.slow.cpu)}` : '';
  console.log(
    `| ${r.what} | ${r.slowName} | ${before} | ${r.fastName} | ` +
      `${f1(r.fast.wall)} / ${f1(r.fast.cpu)} | ` +
      `${r.speedup_cpu ? `${r.speedup_cpu.toFixed(1)}×` : ''} | ` +
      `${r.rel_err !== undefined ? r.rel_err.toExponential(1) : ''} |`,
  );
}
console.log(`\nmedians of ${runs} runs; tfjs-wasm, 1 thread; node ${process.version}`);
