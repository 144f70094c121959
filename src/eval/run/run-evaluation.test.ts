import { rmSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PreparedCohort } from '../../data/prepare-cohort.js';
import { initBackend } from '../../runtime/backend.js';
import { readModelDir, type TrainedModelDir } from '../../model-dir/model-dir.js';
import { modelVectors, prototypeVectors } from '../../model-dir/model-vectors.js';
import { classifyEpisode } from '../../fewshot/classify-episode.js';
import { atNearestShots } from '../../fewshot/few-shot-head.js';
import { TINY_MODEL, TINY_TRAINING, tinyCohort } from '../../test-utils/tiny-run.js';
import { trainModel } from '../../train/train-model.js';
import { episodePredictions, queryPredictions } from './episode-predictions.js';
import { evaluationSettings } from './evaluation-settings.js';
import { fitSupportClassifier } from '../../fewshot/support-classifier.js';
import type { Episode } from '../../data/episode-sampler.js';
import type { Example } from '../../data/dataset.js';
import { modelMethod, runEvaluation } from './run-evaluation.js';
import { scaleProbabilities } from '../../fewshot/temperature-scaling.js';
import { twoPassTotalVariance } from '../../test-utils/two-pass-variance.js';

/** A softmax classifier fitted on each episode's support vectors alone (the reference for the model's classifier). */
function fineTunePredictions(
  episodes: readonly Episode[],
  pool: readonly Example[],
  vectors: readonly Float32Array[],
): ReturnType<typeof queryPredictions> {
  return queryPredictions(episodes, pool, (e) => {
    const classify = fitSupportClassifier(
      e.support.map((i) => vectors[i] as Float32Array),
      e.supportLabels,
      e.classes.length,
    );
    return e.query.map((i) => classify(vectors[i] as Float32Array));
  });
}

describe('runEvaluation (few-shot evaluation with paired baselines)', () => {
  let root: string;
  let prepared: PreparedCohort;
  let trained: TrainedModelDir;

  beforeAll(async () => {
    await initBackend('wasm');
    ({ root, prepared } = tinyCohort());
    (
      await trainModel({
        prepared,
        outDir: join(root, 'model'),
        preset: 'default',
        seed: 5,
        training: TINY_TRAINING,
        modelOverrides: TINY_MODEL,
      })
    ).model.dispose();
    trained = readModelDir(join(root, 'model'));
  });
  afterAll(() => {
    trained.model.dispose();
    rmSync(root, { recursive: true, force: true });
  });

  it('draws novel-class episodes only from children meta-training never saw, support and query disjoint', () => {
    const trainPatients = new Set(prepared.parts.train.map((e) => e.patientId));
    const [setting] = evaluationSettings(prepared, {
      ways: 2,
      shots: [1],
      queries: 2,
      episodes: 20,
      seed: 1,
      generalised: false,
    });
    expect(setting?.classes).toEqual(['jet', 'vt']);
    for (const e of setting?.episodes ?? []) {
      const support = e.support.map((i) => setting?.pool[i]?.patientId as string);
      const query = e.query.map((i) => setting?.pool[i]?.patientId as string);
      for (const p of [...support, ...query]) expect(trainPatients.has(p)).toBe(false);
      for (const p of query) expect(support).not.toContain(p);
    }
  });

  it(
    'answers with a softmax classifier fitted on each support set by ' +
      'default, and by nearest prototype when the config says so',
    () => {
      const [setting] = evaluationSettings(prepared, {
        ways: 2,
        shots: [2],
        queries: 2,
        episodes: 10,
        seed: 3,
        generalised: false,
      });
      if (!setting) throw new Error('expected a setting');
      const vectors = prototypeVectors(trained, setting.pool);
      const untempered = { ...trained, head: { ...trained.head, probabilityTemperatures: {}, contextGate: null } };
      expect(trained.head.classifier).toBe('support-softmax');
      expect(modelMethod('full', untempered).predict(setting)).toEqual(
        fineTunePredictions(setting.episodes, setting.pool, vectors),
      );
      const prototypeModel = { ...untempered, head: { ...untempered.head, classifier: 'prototype' as const } };
      expect(modelMethod('full', prototypeModel).predict(setting)).toEqual(
        episodePredictions(setting.episodes, setting.pool, vectors),
      );
    },
  );

  it(
    'reports probabilities at the temperature training fitted on ' +
      'validation queries of the nearest support size, predicting the same classes',
    () => {
      const [setting] = evaluationSettings(prepared, {
        ways: 2,
        shots: [2],
        queries: 2,
        episodes: 10,
        seed: 3,
        generalised: false,
      });
      if (!setting) throw new Error('expected a setting');
      expect(Object.keys(trained.head.probabilityTemperatures)).toEqual(['1', '5']);
      const temperature = atNearestShots(trained.head.probabilityTemperatures, 2)?.value;
      if (temperature === undefined) throw new Error('expected a temperature');
      expect(temperature).toBe(trained.head.probabilityTemperatures['1']);
      expect(temperature).toBeGreaterThan(0);
      expect(temperature).not.toBe(1);
      const plain = fineTunePredictions(setting.episodes, setting.pool, prototypeVectors(trained, setting.pool));
      const scaled = modelMethod('full', { ...trained, head: { ...trained.head, contextGate: null } }).predict(setting);
      scaled.forEach((q, i) => {
        const p = plain[i]?.probabilities as readonly number[];
        expect(q.probabilities).toEqual(scaleProbabilities(p, temperature));
        expect(q.probabilities.indexOf(Math.max(...q.probabilities))).toBe(p.indexOf(Math.max(...p)));
      });
    },
  );

  it(
    'has a clinical-context gate whose weight gives the clinical vectors ' +
      "the share κ of the validation children's variance",
    () => {
      const gate = trained.head.contextGate;
      if (!gate) throw new Error('expected a context gate');
      expect(gate.share).toBe(trained.extra.training.contextShare);
      expect(gate.margin).toBe(trained.extra.training.contextMargin);
      const space = prototypeVectors(trained, prepared.parts.val);
      const clinical = prepared.parts.val.map((e) => trained.encoder.encode(e).map((x) => gate.weight * x));
      expect(twoPassTotalVariance(clinical)).toBeCloseTo(gate.share * twoPassTotalVariance(space), 3);
    },
  );

  it(
    'lets the clinical context into the classifier on the episodes whose ' +
      'support set opens the gate, and nowhere else',
    () => {
      const [setting] = evaluationSettings(prepared, {
        ways: 2,
        shots: [3],
        queries: 2,
        episodes: 30,
        seed: 8,
        generalised: false,
      });
      if (!setting) throw new Error('expected a setting');
      const gate = trained.head.contextGate;
      if (!gate) throw new Error('expected a context gate');
      // Margin 0: the gate opens whenever the context lowers the support set's leave-one-out NLL at all.
      const open = { ...trained, head: { ...trained.head, contextGate: { ...gate, margin: 0 } } };
      const closed = { ...trained, head: { ...trained.head, contextGate: null } };
      const vectors = modelVectors(open, setting.pool);
      const opened = setting.episodes.map((e) => classifyEpisode(open.head, e, vectors).head.contextDecision?.used);
      expect(opened).toContain(true);
      const withGate = modelMethod('full', open).predict(setting);
      const without = modelMethod('full', closed).predict(setting);
      setting.episodes.forEach((e, k) => {
        const rows = (p: typeof withGate): Array<readonly number[]> =>
          p.filter((q) => q.episode === e.index).map((q) => q.probabilities);
        if (opened[k]) expect(rows(withGate)).not.toEqual(rows(without));
        else expect(rows(withGate)).toEqual(rows(without));
      });
    },
  );

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
    expect(metrics.baselines.map((b) => `${b.name}/${b.shots}`)).toEqual(
      expect.arrayContaining(['clinical-only/1', 'handcrafted-features/3']),
    );
    expect(embeddings.points.length).toBe(prepared.parts.novel.length);
    // The same seed gives the same episodes, hence the same numbers.
    expect(runEvaluation(trained, prepared, options).metrics).toEqual(metrics);
  });
});
