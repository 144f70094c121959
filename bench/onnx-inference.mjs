#!/usr/bin/env node
// Inference throughput of the "bench" model (data/presets/bench.json): the eval-mode forward of 256 ECGs (1000 samples
// × 12 leads, with clinical context) on tfjs-wasm against the ONNX export (`exportOnnx`) on ONNX Runtime with 1 and 2
// intra-op threads. Inputs are seeded random, made once outside the timed region. Medians of
// `--runs` timed runs after 2 warm-ups, as ECG per wall-clock second and per CPU second (CPU time
// of the process, all threads: the steadier figure when other jobs share the cores). Also prints
// the ONNX-vs-tfjs relative error of `fused` on this batch.
// Usage: npm run build && node bench/onnx-inference.mjs [--runs 10]
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../dist/runtime/backend.js';
import { loadPreset } from '../dist/models/presets.js';
import { FewbeatModel } from '../dist/models/model.js';
import { exportOnnx } from '../dist/models/onnx/export.js';
import { OnnxModelSession } from '../dist/models/onnx/session.js';
import { median, timeRuns } from '../dist/bench/timing.js';
import { Rng } from '../dist/util/rng.js';

const flag = (name, fallback) => {
  const i = process.argv.indexOf(name);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
};
const runs = Number(flag('--runs', '10'));
const BATCH = 256;
const WARMUP = 2;

const backend = await initBackend('wasm');
const rng = new Rng(0);
const rows = [];
{
  const config = loadPreset('bench');
  const model = new FewbeatModel(config, 0);
  const { samples, leads } = config.ecg;
  const features = config.clinical.inputDim;
  const x = {
    batch: BATCH,
    ecg: Float32Array.from({ length: BATCH * samples * leads }, () => rng.normal()),
    leadMask: new Float32Array(BATCH * leads).fill(1),
    clinical: Float32Array.from({ length: BATCH * features }, () => rng.normal()),
  };
  const input = {
    ecg: tf.tensor3d(x.ecg, [BATCH, samples, leads]),
    leadMask: tf.tensor2d(x.leadMask, [BATCH, leads]),
    clinical: tf.tensor2d(x.clinical, [BATCH, features]),
  };
  let fused;
  const tfjs = await timeRuns(
    () => {
      const out = model.forward(input, { training: false });
      fused = out.fused.dataSync();
      out.ecgProj.dataSync();
      out.clinProj.dataSync();
      tf.dispose(Object.values(out));
    },
    runs,
    WARMUP,
  );
  const perSecond = (t) => ({
    wall: Math.round(BATCH / (median(t.wall) / 1000)),
    cpu: Math.round(BATCH / (median(t.cpu) / 1000)),
  });
  const row = { params: model.countParams(), tfjs_wasm: perSecond(tfjs) };
  const onnx = exportOnnx(model);
  for (const threads of [1, 2]) {
    const session = await OnnxModelSession.create(onnx, { samples, leads, features }, { threads });
    let got;
    row[`onnxruntime_${threads}t`] = perSecond(
      await timeRuns(
        async () => {
          got = await session.run(x);
        },
        runs,
        WARMUP,
      ),
    );
    await session.dispose();
    let num = 0;
    let den = 0;
    for (let i = 0; i < fused.length; i++) {
      num = Math.max(num, Math.abs(got.fused[i] - fused[i]));
      den = Math.max(den, Math.abs(fused[i]));
    }
    row.fused_rel_err = num / den;
  }
  const ratio = (key) => Math.round((row.onnxruntime_1t[key] / row.tfjs_wasm[key]) * 100) / 100;
  row.onnx_1t_over_tfjs = { wall: ratio('wall'), cpu: ratio('cpu') };
  rows.push(row);
  tf.dispose(Object.values(input));
  model.dispose();
}
process.stdout.write(`${JSON.stringify({ backend, batch: BATCH, runs, unit: 'ECG/s (wall, cpu)', rows }, null, 2)}\n`);
