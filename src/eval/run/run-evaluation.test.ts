import { rmSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PreparedCohort } from '../../data/prepare-cohort.js';
import { initBackend } from '../../runtime/backend.js';
import { readModelDir, type TrainedModelDir } from '../../train/model-dir.js';
import { TINY_MODEL, TINY_TRAINING, tinyCohort } from '../../train/test-support/tiny-run.js';
import { trainModel } from '../../train/train-model.js';
import { prototypeVectors } from '../../train/model-dir.js';
import { episodePredictions } from './episode-predictions.js';
import { evaluationSettings } from './evaluation-settings.js';
import { fineTunePredictions } from './fine-tune.js';
import { modelMethod, runEvaluation } from './run-evaluation.js';

describe('runEvaluation (few-shot evaluation with paired baselines)', () => {
  let root: string;
  let prepared: PreparedCohort;
  let trained: TrainedModelDir;

  beforeAll(async () => {
    await initBackend('wasm');
    ({ root, prepared } = tinyCohort());
    (await trainModel({ prepared, outDir: join(root, 'model'), preset: 'default', seed: 5, training: TINY_TRAINING, modelOverrides: TINY_MODEL })).model.dispose();
    trained = readModelDir(join(root, 'model'));
  });
  afterAll(() => {
    trained.model.dispose();
    rmSync(root, { recursive: true, force: true });
  });

  it('draws novel-class episodes only from children meta-training never saw, support and query disjoint', () => {
    const trainPatients = new Set(prepared.parts.train.map((e) => e.patientId));
    const [setting] = evaluationSettings(prepared, { ways: 2, shots: [1], queries: 2, episodes: 20, seed: 1, generalised: false });
    expect(setting?.classes).toEqual(['jet', 'vt']);
    for (const e of setting?.episodes ?? []) {
      const support = e.support.map((i) => setting?.pool[i]?.patientId as string);
      const query = e.query.map((i) => setting?.pool[i]?.patientId as string);
      for (const p of [...support, ...query]) expect(trainPatients.has(p)).toBe(false);
      for (const p of query) expect(support).not.toContain(p);
    }
  });

  it('answers with a softmax classifier fitted on each support set by default, and by nearest prototype when the config says so', () => {
    const [setting] = evaluationSettings(prepared, { ways: 2, shots: [2], queries: 2, episodes: 10, seed: 3, generalised: false });
    if (!setting) throw new Error('expected a setting');
    const vectors = prototypeVectors(trained, setting.pool);
    expect(trained.extra.training.fewShotClassifier).toBe('support-softmax');
    expect(modelMethod('full', trained).predict(setting)).toEqual(fineTunePredictions(setting.episodes, setting.pool, vectors));
    const prototypeModel = { ...trained, extra: { ...trained.extra, training: { ...trained.extra.training, fewShotClassifier: 'prototype' as const } } };
    expect(modelMethod('full', prototypeModel).predict(setting)).toEqual(episodePredictions(setting.episodes, setting.pool, vectors));
  });

  it('scores the full model and every baseline on the same episodes, without leaking tensors', () => {
    const options = { ways: 2, shots: [1, 3], queries: 2, episodes: 30, seed: 1, skipHandcrafted: false };
    runEvaluation(trained, prepared, options); // warm-up
    const before = tf.memory().numTensors;
    const { metrics, embeddings } = runEvaluation(trained, prepared, options);
    expect(tf.memory().numTensors).toBe(before);
    const novel = metrics.settings.filter((s) => s.split === 'novel');
    expect(novel.map((s) => s.shots)).toEqual([1, 3]);
    for (const s of novel) {
      expect(s.episodes).toBe(30);
      expect(s.episode_accuracy.mean).toBeGreaterThanOrEqual(0);
      expect(s.episode_accuracy.mean).toBeLessThanOrEqual(1);
      expect(Object.keys(s.per_class).sort()).toEqual(['jet', 'vt']);
    }
    expect(metrics.baselines.map((b) => `${b.name}/${b.shots}`)).toEqual(expect.arrayContaining(['clinical-only/1', 'handcrafted-features/3']));
    expect(embeddings.points.length).toBe(prepared.parts.novel.length);
    // The same seed gives the same episodes, hence the same numbers.
    expect(runEvaluation(trained, prepared, options).metrics).toEqual(metrics);
  });
});
