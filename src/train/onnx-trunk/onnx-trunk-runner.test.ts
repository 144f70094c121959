import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BenchWorkload } from '../../bench/model.js';
import type { ModelConfig } from '../../models/config.js';
import { loadPreset } from '../../models/presets.js';
import { buildTrunkGraphs } from '../../models/onnx/training/trunk-graph.js';
import { initBackend } from '../../runtime/backend.js';
import { runInProcess, type ForwardStep } from '../parallel/forward-step.js';
import { OnnxTrunkRunner, type OnnxTrunkRunnerOptions } from './onnx-trunk-runner.js';
import { TrunkPool } from './trunk-pool.js';

/** A trunk small enough that float32 sums stay exact to ~1e-6, so two implementations can be compared tightly. */
const small = () =>
  loadPreset('bench', {
    ecg: {
      samples: 128,
      leads: 3,
      stemChannels: 8,
      blocks: [
        { out: 8, stride: 2, kernel: 5 },
        { out: 12, stride: 2, kernel: 3 },
      ],
      embedDim: 16,
    },
    clinical: { inputDim: 24, hidden: [8], embedDim: 16 },
  });

/** An optimiser that only records the gradients it is given (by variable name). */
class GradientRecorder {
  readonly grads = new Map<string, Float32Array>();
  applyGradients(g: tf.NamedTensorMap): void {
    for (const [name, t] of Object.entries(g)) this.grads.set(name, Float32Array.from(t.dataSync()));
  }
  asOptimizer(): tf.Optimizer {
    return this as unknown as tf.Optimizer;
  }
}

/** The recorded gradients by model parameter name. */
function byParameter(w: BenchWorkload, r: GradientRecorder): Map<string, Float32Array> {
  const out = new Map<string, Float32Array>();
  for (const [name, v] of w.model.getWeights()) {
    const g = r.grads.get((v as tf.Variable).name);
    if (g) out.set(name, g);
  }
  return out;
}

const sumOfSquares = (v: Float32Array): number => v.reduce((s, x) => s + x * x, 0);

/**
 * The bench loss's gradient w.r.t. the fused output's bias is zero in exact arithmetic (ProtoCE
 * depends on differences of fused embeddings, so a bias shared by every row cancels): its float
 * values (~1e-8) are rounding noise, compared in absolute terms.
 */
const ZERO_IN_EXACT_ARITHMETIC = new Set(['fusion.dense1.b']);

/**
 * ‖a − b‖ / ‖b‖ per parameter, the worst over all; for the parameters of
 * {@link ZERO_IN_EXACT_ARITHMETIC} and exactly zero gradients (e.g. behind a zero-initialised
 * layer), ‖a − b‖ relative to the whole gradient's norm.
 */
function worstRelativeError(a: Map<string, Float32Array>, b: Map<string, Float32Array>): number {
  expect([...a.keys()].sort()).toEqual([...b.keys()].sort());
  const whole = Math.sqrt([...b.values()].reduce((s, g) => s + sumOfSquares(g), 0));
  let worst = 0;
  for (const [name, ga] of a) {
    const gb = b.get(name) as Float32Array;
    const diff = Math.sqrt(sumOfSquares(ga.map((v, i) => v - (gb[i] as number))));
    const norm = Math.sqrt(sumOfSquares(gb));
    worst = Math.max(worst, diff / (ZERO_IN_EXACT_ARITHMETIC.has(name) || norm === 0 ? whole : norm));
  }
  return worst;
}

/** The bench loss of workload `w` on its episode (both views). */
const benchStep = (w: BenchWorkload): ForwardStep => w.forwardStep();

/** Gradients of one bench step of a fresh model (`config`, `seed`): tfjs autodiff in process, or the trunk runner. */
async function stepGradients(
  config: ModelConfig,
  seed: number,
  runnerOptions?: OnnxTrunkRunnerOptions,
): Promise<Map<string, Float32Array>> {
  const workload = new BenchWorkload(seed, config);
  const recorder = new GradientRecorder();
  if (!runnerOptions) {
    runInProcess(workload.model, benchStep(workload), recorder.asOptimizer());
  } else {
    const runner = await OnnxTrunkRunner.create(workload.model, runnerOptions);
    try {
      await runner.step(benchStep(workload), recorder.asOptimizer());
    } finally {
      await runner.dispose();
    }
  }
  const gradients = byParameter(workload, recorder);
  workload.dispose();
  return gradients;
}

describe('the ONNX Runtime trunk runner (tfjs cpu backend as the reference)', () => {
  beforeAll(async () => {
    await initBackend('cpu');
  });

  it('gives the gradients of tfjs autodiff, for every parameter, to 1e-5', async () => {
    const reference = await stepGradients(small(), 0);
    for (const workers of [0, 2])
      expect(worstRelativeError(await stepGradients(small(), 0, { workers }), reference)).toBeLessThan(1e-5);
  }, 60_000);

  it('handles channel lead masks, stride-1 blocks and odd lengths (gradients to 1e-5)', async () => {
    const odd = loadPreset('bench', {
      ecg: {
        samples: 125,
        leads: 3,
        leadMask: 'channels',
        stemChannels: 6,
        stemKernel: 5,
        blocks: [
          { out: 6, stride: 1, kernel: 3 },
          { out: 10, stride: 3, kernel: 4 },
        ],
        embedDim: 16,
      },
      clinical: { inputDim: 24, hidden: [8], embedDim: 16 },
    });
    expect(worstRelativeError(await stepGradients(odd, 5, { workers: 0 }), await stepGradients(odd, 5))).toBeLessThan(
      1e-5,
    );
  }, 60_000);

  it('reports the in-process loss and leaves the same BatchNorm running statistics', async () => {
    const reference = new BenchWorkload(1, small());
    const expected = runInProcess(reference.model, benchStep(reference), tf.train.sgd(0));
    const workload = new BenchWorkload(1, small());
    const runner = await OnnxTrunkRunner.create(workload.model, { workers: 1 });
    const result = await runner.step(benchStep(workload), tf.train.sgd(0));
    await runner.dispose();
    expect(result.loss).toBeCloseTo(expected.loss, 5);
    expect(result.parts.length).toBe(expected.parts.length);
    for (const [name, t] of reference.model.getWeights()) {
      if (!name.includes('running')) continue;
      const got = workload.model.getWeights().get(name)!.dataSync();
      const want = t.dataSync();
      want.forEach((v, i) => expect(got[i]).toBeCloseTo(v, 5));
    }
  }, 60_000);

  it('gives a forward call the loss does not use no trunk gradient, instead of failing', async () => {
    const workload = new BenchWorkload(6, small());
    const both = benchStep(workload);
    const firstViewOnly: ForwardStep = {
      batches: both.batches,
      loss: (outputs) =>
        tf.tidy(() => {
          const total = tf.sum(tf.square((outputs[0] as { ecgEmbedding: tf.Tensor2D }).ecgEmbedding)) as tf.Scalar;
          return { total, parts: tf.stack([total]) as tf.Tensor1D };
        }),
    };
    const recorder = new GradientRecorder();
    const runner = await OnnxTrunkRunner.create(workload.model, { workers: 2 });
    await runner.step(firstViewOnly, recorder.asOptimizer());
    await runner.dispose();
    const stem = (workload.model.getWeights().get('ecg.stem.conv.w') as tf.Variable).name;
    expect(recorder.grads.get(stem)!.some((v) => v !== 0)).toBe(true);
    workload.dispose();
  }, 60_000);

  it('is deterministic: the same seed gives bit-identical weights after Adam steps', async () => {
    const weightsAfterSteps = async (): Promise<Float32Array[]> => {
      const workload = new BenchWorkload(4, small());
      const runner = await OnnxTrunkRunner.create(workload.model, { workers: 2 });
      for (let i = 0; i < 3; i++) await workload.trainStepOn(runner);
      await runner.dispose();
      const values = [...workload.model.getWeights().values()].map((t) => Float32Array.from(t.dataSync()));
      workload.dispose();
      return values;
    };
    expect(await weightsAfterSteps()).toEqual(await weightsAfterSteps());
  }, 60_000);
});

describe('the ONNX Runtime trunk runner on the wasm backend', () => {
  beforeAll(async () => {
    await initBackend('wasm');
  });
  afterAll(async () => {
    await initBackend('cpu');
  });

  it('keeps the tensor count flat across Adam steps and lowers the loss', async () => {
    const workload = new BenchWorkload(3, small());
    const runner = await OnnxTrunkRunner.create(workload.model, { workers: 2 });
    const first = await workload.trainStepOn(runner);
    const tensors = tf.memory().numTensors;
    let last = first;
    for (let i = 0; i < 5; i++) last = await workload.trainStepOn(runner);
    expect(tf.memory().numTensors).toBe(tensors);
    expect(last).toBeLessThan(first);
    await runner.dispose();
    workload.dispose();
  }, 60_000);
});

describe('the trunk pool', () => {
  it('turns a failure inside a worker into an Error naming the worker, and keeps working afterwards', async () => {
    const graphs = buildTrunkGraphs(small());
    const pool = await TrunkPool.create(graphs, 1, 1);
    const parameters = new Float32Array(
      graphs.parameters.reduce((n, p) => n + p.shape.reduce((a, b) => a * b, 1), 0),
    ).fill(0.1);
    const bad = { size: 2, ecg: new Float32Array(7), leadMask: new Float32Array(6).fill(1) };
    await expect(pool.forward([bad], parameters)).rejects.toThrow(/trunk worker 0: trunk call: 7 ECG values/);
    const good = { size: 2, ecg: new Float32Array(2 * 128 * 3).fill(0.5), leadMask: new Float32Array(6).fill(1) };
    const { results } = await pool.forward([good], parameters);
    expect(results[0]!.features.length).toBe(2 * graphs.featureShape[0] * graphs.featureShape[1]);
    await pool.release();
  }, 60_000);
});
