import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../runtime/backend.js';
import { Rng } from '../util/rng.js';
import type { Batch } from '../data/batch.js';
import type { EpisodicModel, ModelInputs, ModelOutputs } from '../models/episodic-model.js';
import { EpisodicTask, type TrainingEpisode } from './episodic-task.js';
import { trainConfigSchema } from '../model-dir/train-config.js';

const T = 16;
const L = 2;
const F = 3;
const D = 4;

/** A tiny in-test model: mean-pooled ECG and clinical features through linear maps. */
function fakeModel(seed: number): EpisodicModel {
  const rng = new Rng(seed);
  const w = (r: number, c: number): tf.Variable =>
    tf.variable(
      tf.tensor2d(
        Array.from({ length: r * c }, () => rng.normal(0, 0.5)),
        [r, c],
      ),
    );
  const we = w(L, D);
  const wc = w(F, D);
  const scale = tf.variable(tf.scalar(Math.log(10)));
  return {
    trainableVariables: () => [we, wc, scale],
    forward(x: ModelInputs): ModelOutputs {
      return tf.tidy(() => {
        const h = tf.matMul(tf.mean(x.ecg, 1) as tf.Tensor2D, we) as tf.Tensor2D; // [B, D]
        const g = tf.matMul(x.clinical, wc) as tf.Tensor2D; // [B, D]
        const unit = (t: tf.Tensor2D): tf.Tensor2D => tf.div(t, tf.add(tf.norm(t, 'euclidean', 1, true), 1e-6));
        return {
          ecgEmbedding: h,
          clinicalEmbedding: g,
          fused: tf.add(h, g) as tf.Tensor2D,
          ecgProj: unit(h),
          clinProj: unit(g),
          logitScale: tf.exp(scale) as tf.Scalar,
        };
      });
    },
  };
}

/** A 3-way 2-shot 2-query episode where class k shifts lead k mod L and feature k. */
function episode(seed: number): TrainingEpisode {
  const rng = new Rng(seed);
  const labels = [0, 0, 1, 1, 2, 2, 0, 0, 1, 1, 2, 2];
  const n = labels.length;
  const batch = (noise: number): Batch => {
    const ecg = new Float32Array(n * T * L);
    const clinical = new Float32Array(n * F);
    labels.forEach((k, b) => {
      for (let t = 0; t < T; t++)
        for (let l = 0; l < L; l++) ecg[(b * T + t) * L + l] = (k === l ? 1 : k === 2 ? -1 : 0) + rng.normal(0, noise);
      for (let f = 0; f < F; f++) clinical[b * F + f] = (f === k ? 1 : 0) + rng.normal(0, noise);
    });
    return { size: n, samples: T, leads: L, features: F, ecg, leadMask: new Float32Array(n * L).fill(1), clinical };
  };
  return {
    ways: 3,
    clean: batch(0.3),
    nSupport: 6,
    nQuery: 6,
    supportLabels: labels.slice(0, 6),
    queryLabels: labels.slice(6),
    patientIds: labels.map((_, i) => i),
    labels,
    ageBands: labels.map((_, i) => i % 2),
    viewA: null,
    viewB: null,
  };
}

function withViews(e: TrainingEpisode): TrainingEpisode {
  const view = (offset: number): Batch => {
    const q = e.clean;
    const rows = (a: Float32Array, width: number): Float32Array =>
      a.slice(e.nSupport * width, (e.nSupport + e.nQuery) * width).map((v) => v + offset);
    return {
      ...q,
      size: e.nQuery,
      ecg: rows(q.ecg, T * L),
      leadMask: rows(q.leadMask, L).fill(1),
      clinical: rows(q.clinical, F),
    };
  };
  return { ...e, viewA: view(0.05), viewB: view(-0.05) };
}

describe('EpisodicTask', () => {
  beforeAll(async () => {
    await initBackend('wasm');
  });

  it('lowers the episode loss over training steps, with every part reported', async () => {
    const config = trainConfigSchema.parse({});
    const task = new EpisodicTask(fakeModel(1), config, tf.train.adam(0.05));
    const first = await task.trainStep(withViews(episode(0)));
    let last = first;
    for (let s = 1; s < 40; s++) last = await task.trainStep(withViews(episode(s)));
    expect(last.loss).toBeLessThan(first.loss * 0.8);
    expect(first.parts.contrastive).toBeGreaterThan(0);
    expect(first.parts.consistency).toBeGreaterThan(0);
    // total = contrastive + λ1·class + λ2·consistency
    expect(first.loss).toBeCloseTo(first.parts.contrastive + first.parts.class + 0.5 * first.parts.consistency, 4);
  });

  it('does not leak tensors across training steps', async () => {
    const task = new EpisodicTask(fakeModel(2), trainConfigSchema.parse({}), tf.train.adam(0.01));
    await task.trainStep(withViews(episode(0))); // warm-up: the optimiser creates its moment variables
    const before = tf.memory().numTensors;
    for (let s = 1; s < 5; s++) await task.trainStep(withViews(episode(s)));
    expect(tf.memory().numTensors).toBe(before);
  });

  it('skips the switched-off parts: no contrastive term and no consistency term', async () => {
    const config = trainConfigSchema.parse({ contrastiveWeight: 0, lambda2: 0 });
    const task = new EpisodicTask(fakeModel(3), config, tf.train.adam(0.01));
    const step = await task.trainStep(withViews(episode(0)));
    expect(step.parts.contrastive).toBe(0);
    expect(step.parts.consistency).toBe(0);
    expect(step.loss).toBeCloseTo(step.parts.class, 5);
  });

  it('builds L_class on the ECG embedding h with classEmbedding "ecg": the clinical input cannot move it', () => {
    const config = trainConfigSchema.parse({ contrastiveWeight: 0, lambda2: 0, classEmbedding: 'ecg' });
    const classPart = (clinicalShift: number, embedding: 'ecg' | 'fused'): number => {
      const e = episode(0);
      const shifted = { ...e, clean: { ...e.clean, clinical: e.clean.clinical.map((v) => v + clinicalShift * v * v) } };
      const task = new EpisodicTask(fakeModel(3), { ...config, classEmbedding: embedding }, tf.train.sgd(0));
      const { total, parts } = task.losses(shifted);
      const value = (parts.arraySync() as number[])[1] as number;
      tf.dispose([total, parts]);
      return value;
    };
    expect(classPart(5, 'ecg')).toBeCloseTo(classPart(0, 'ecg'), 5);
    expect(Math.abs(classPart(5, 'fused') - classPart(0, 'fused'))).toBeGreaterThan(1e-3);
  });

  it('trains the supervised-pretraining baseline with a cross-entropy head over every class', async () => {
    const config = trainConfigSchema.parse({ objective: 'supervised', contrastiveWeight: 0, lambda2: 0 });
    const task = new EpisodicTask(fakeModel(5), config, tf.train.adam(0.05), { dim: D, classes: 3 });
    const first = await task.trainStep(episode(0));
    expect(first.loss).toBeCloseTo(Math.log(3), 4); // zero-initialised head: uniform over 3 classes
    let last = first;
    for (let s = 1; s < 30; s++) last = await task.trainStep(episode(s));
    expect(last.loss).toBeLessThan(first.loss * 0.7);
    expect(last.parts.contrastive).toBe(0);
    task.dispose();
  });

  it('refuses the supervised objective without the shape of its linear head', () => {
    const config = trainConfigSchema.parse({ objective: 'supervised' });
    expect(() => new EpisodicTask(fakeModel(6), config, tf.train.adam(0.05))).toThrow(/needs the head shape/);
  });

  it('is deterministic: the same seed and episodes give the same losses', async () => {
    const run = async (): Promise<number[]> => {
      const task = new EpisodicTask(fakeModel(4), trainConfigSchema.parse({}), tf.train.adam(0.02));
      const losses: number[] = [];
      for (let s = 0; s < 5; s++) losses.push((await task.trainStep(withViews(episode(s)))).loss);
      return losses;
    };
    expect(await run()).toEqual(await run());
  });
});
