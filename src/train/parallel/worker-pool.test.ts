import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BenchWorkload, benchConfig } from '../../bench/model.js';
import { modelConfigSchema } from '../../models/config.js';
import type { FewbeatModel } from '../../models/model.js';
import { initBackend } from '../../runtime/backend.js';
import type { Batch } from '../../data/batch.js';
import { FewbeatModel as Model } from '../../models/model.js';
import { Rng } from '../../util/rng.js';
import { EpisodicTask, type TrainingEpisode } from '../episodic-task.js';
import { trainConfigSchema } from '../../model-dir/train-config.js';
import { runInProcess, type ForwardStep } from './forward-step.js';
import { assignCalls, WorkerPool } from './worker-pool.js';
import { replayRunningUpdates } from './weight-layout.js';

// The bench network on 100-sample ECGs: the same layers as the timed workload, a fast step.
const small = modelConfigSchema.parse({ ...benchConfig(), ecg: { ...benchConfig().ecg, samples: 100 } });

function snapshot(model: FewbeatModel): Map<string, Float32Array> {
  return new Map([...model.getWeights()].map(([name, t]) => [name, Float32Array.from(t.dataSync())]));
}

/** max over parameters of ‖a − b‖ / ‖b − start‖: the difference between two updates, relative to the update. */
function updateDifference(
  a: Map<string, Float32Array>,
  b: Map<string, Float32Array>,
  start: Map<string, Float32Array>,
): number {
  let worst = 0;
  for (const [name, bv] of b) {
    const av = a.get(name) as Float32Array;
    const sv = start.get(name) as Float32Array;
    let diff = 0;
    let step = 0;
    for (let i = 0; i < bv.length; i++) {
      diff += ((av[i] as number) - (bv[i] as number)) ** 2;
      step += ((bv[i] as number) - (sv[i] as number)) ** 2;
    }
    if (step > 0) worst = Math.max(worst, Math.sqrt(diff / step));
    else worst = Math.max(worst, Math.sqrt(diff));
  }
  return worst;
}

describe('WorkerPool', () => {
  beforeAll(async () => {
    await initBackend('wasm');
  });

  const pools: WorkerPool[] = [];
  const workloads: BenchWorkload[] = [];
  afterAll(async () => {
    for (const p of pools) await p.dispose();
    for (const w of workloads) w.dispose();
  });
  const workload = (seed: number): BenchWorkload => {
    const w = new BenchWorkload(seed, small);
    workloads.push(w);
    return w;
  };
  const pool = async (w: BenchWorkload, workers: number): Promise<WorkerPool> => {
    const p = await WorkerPool.create(w.model, workers);
    pools.push(p);
    return p;
  };

  it('takes the same step as in process: loss, updated weights and BatchNorm running statistics', async () => {
    const reference = workload(7);
    const parallel = workload(7);
    const start = snapshot(reference.model);
    const sgd = (): tf.Optimizer => tf.train.sgd(0.1); // linear in the gradient: the update shows any gradient error
    const a = runInProcess(reference.model, reference.forwardStep(), sgd());
    const p = await pool(parallel, 2);
    const b = await p.step(parallel.forwardStep(), sgd());
    expect(b.loss).toBeCloseTo(a.loss, 5);
    expect(Math.abs(b.loss - a.loss) / Math.abs(a.loss)).toBeLessThan(1e-5);
    const after = snapshot(parallel.model);
    const expected = snapshot(reference.model);
    expect(updateDifference(after, expected, start)).toBeLessThan(1e-4);
    const running = [...expected.keys()].filter(
      (name) => name.endsWith('running_mean') || name.endsWith('running_var'),
    );
    expect(running.length).toBeGreaterThan(10);
    for (const name of running) {
      const e = expected.get(name) as Float32Array;
      const g = after.get(name) as Float32Array;
      e.forEach((v, i) => expect(Math.abs((g[i] as number) - v)).toBeLessThanOrEqual(1e-5 * Math.max(1, Math.abs(v))));
    }
  });

  it('gives the same result on one worker as on two, and the same weights on two runs', async () => {
    const run = async (workers: number): Promise<Map<string, Float32Array>> => {
      const w = workload(3);
      const p = await pool(w, workers);
      for (let i = 0; i < 2; i++) await w.trainStepOn(p);
      return snapshot(w.model);
    };
    const start = snapshot(workload(3).model);
    const two = await run(2);
    const again = await run(2);
    const one = await run(1);
    for (const [name, v] of two) expect(again.get(name)).toEqual(v); // bitwise
    expect(updateDifference(one, two, start)).toBeLessThan(1e-3); // Adam over 2 steps: rounding only
  });

  it('leaks no tensor on the main thread or in the workers across steps', async () => {
    const w = workload(5);
    const p = await pool(w, 2);
    await w.trainStepOn(p); // warm-up: Adam creates its moment variables
    const main = tf.memory().numTensors;
    const inWorkers = p.workerTensorCounts();
    for (let i = 0; i < 3; i++) await w.trainStepOn(p);
    expect(tf.memory().numTensors).toBe(main);
    expect(p.workerTensorCounts()).toEqual(inWorkers);
    expect(inWorkers.every((n) => n > 0)).toBe(true);
  });

  it('rejects the step with an Error, not a hang, when the loss throws, and closes the pool', async () => {
    const w = workload(6);
    const p = await pool(w, 2);
    const step = w.forwardStep();
    const broken: ForwardStep = {
      batches: step.batches,
      loss: () => {
        throw new Error('loss exploded');
      },
    };
    await expect(p.step(broken, tf.train.sgd(0.1))).rejects.toThrow('loss exploded');
    await expect(w.trainStepOn(p)).rejects.toThrow('closed');
  });

  it('surfaces an error inside a worker (a batch of the wrong shape) as an Error on the main thread', async () => {
    const w = workload(8);
    const p = await pool(w, 1);
    const step = w.forwardStep();
    const bad = {
      ...step.batches[0]!,
      samples: 50,
      ecg: step.batches[0]!.ecg.subarray(0, step.batches[0]!.size * 50 * 12),
    };
    await expect(p.step({ batches: [bad], loss: step.loss }, tf.train.sgd(0.1))).rejects.toThrow(
      /training worker 0: .*ecg has shape/,
    );
  });
});

/** A 2-way 2-shot 2-query episode of random signals for the small bench network, with two views. */
function randomEpisode(seed: number): TrainingEpisode {
  const rng = new Rng(seed);
  const { samples, leads } = small.ecg;
  const features = small.clinical.inputDim;
  const batch = (size: number): Batch => ({
    size,
    samples,
    leads,
    features,
    ecg: Float32Array.from({ length: size * samples * leads }, () => rng.normal()),
    leadMask: new Float32Array(size * leads).fill(1),
    clinical: Float32Array.from({ length: size * features }, () => rng.normal()),
  });
  const labels = [0, 0, 1, 1, 0, 0, 1, 1];
  return {
    ways: 2,
    clean: batch(8),
    nSupport: 4,
    nQuery: 4,
    supportLabels: labels.slice(0, 4),
    queryLabels: labels.slice(4),
    patientIds: labels.map((_, i) => i),
    labels,
    ageBands: labels.map(() => 0),
    viewA: batch(4),
    viewB: batch(4),
  };
}

describe('EpisodicTask on a WorkerPool', () => {
  beforeAll(async () => {
    await initBackend('wasm');
  });

  for (const objective of ['episodic', 'supervised'] as const) {
    const calls = objective === 'episodic' ? 'clean, view A and view B calls' : 'with the main-thread head variables';
    it(`takes the same ${objective} step as in process (${calls})`, async () => {
      const config = trainConfigSchema.parse({
        objective,
        ...(objective === 'supervised' ? { contrastiveWeight: 0, lambda2: 0 } : {}),
      });
      const head = { dim: small.ecg.embedDim, classes: 2 };
      const reference = new Model(small, 11);
      const parallel = new Model(small, 11);
      const start = snapshot(reference);
      const inProcess = new EpisodicTask(reference, config, tf.train.sgd(0.1), head);
      const p = await WorkerPool.create(parallel, 2);
      const onPool = new EpisodicTask(parallel, config, tf.train.sgd(0.1), head, p);
      try {
        expect(onPool.forwardStep(randomEpisode(1)).batches).toHaveLength(objective === 'episodic' ? 3 : 1);
        for (let s = 0; s < 2; s++) {
          const a = await inProcess.trainStep(randomEpisode(s));
          const b = await onPool.trainStep(randomEpisode(s));
          expect(Math.abs(b.loss - a.loss)).toBeLessThanOrEqual(1e-5 * Math.abs(a.loss));
          expect(b.parts.class).toBeCloseTo(a.parts.class, 5);
        }
        expect(updateDifference(snapshot(parallel), snapshot(reference), start)).toBeLessThan(1e-4);
      } finally {
        await p.dispose();
        inProcess.dispose();
        onPool.dispose();
        reference.dispose();
        parallel.dispose();
      }
    });
  }
});

describe('assignCalls', () => {
  it('balances forward calls over workers by rows, largest first, in a fixed order', () => {
    expect(assignCalls([75, 25, 25], 2)).toEqual([[0], [1, 2]]);
    expect(assignCalls([75, 75], 2)).toEqual([[0], [1]]);
    expect(assignCalls([10, 30, 20], 1)).toEqual([[0, 1, 2]]);
    expect(assignCalls([5], 3)).toEqual([[0], [], []]);
  });
});

describe('replayRunningUpdates', () => {
  it('equals sequential BatchNorm updates r ← (1 − m)·r + m·s from what each call did alone', () => {
    const m = 0.1;
    const start = Float32Array.from([1, 0.5]);
    const stats = [
      [2, 4],
      [3, -1],
      [0.25, 8],
    ];
    const alone = stats.map((s) => Float32Array.from(s.map((v, i) => (1 - m) * (start[i] as number) + m * v)));
    let r = [1, 0.5];
    for (const s of stats) r = r.map((v, i) => (1 - m) * v + m * (s[i] as number));
    const replayed = replayRunningUpdates(start, alone, m);
    r.forEach((v, i) => expect(replayed[i]).toBeCloseTo(v, 6));
  });

  it('leaves a statistic the call did not touch as it was', () => {
    const start = Float32Array.from([1, 2]);
    expect(Array.from(replayRunningUpdates(start, [Float32Array.from([1, 2])], 0.1))).toEqual([1, 2]);
  });
});
