import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MEASUREMENT_FEATURES } from '../../data/measurements.js';
import { initBackend } from '../../runtime/backend.js';
import { runCli } from '../../test-utils/run-cli.js';
import { TINY_MODEL, TINY_TRAINING, tinyCohort } from '../../test-utils/tiny-run.js';
import { trainModel } from '../../train/train-model.js';

describe('fewbeat recalibrate', () => {
  let root: string;
  let modelDir: string;
  let cohortDir: string;

  beforeAll(async () => {
    await initBackend('wasm');
    const tiny = tinyCohort();
    ({ root, cohortDir } = tiny);
    modelDir = join(root, 'model');
    // The cohort is split with seed 3; a model trained with seed 3 has the same validation children.
    const result = await trainModel({
      prepared: tiny.prepared,
      outDir: modelDir,
      preset: 'default',
      seed: 3,
      training: TINY_TRAINING,
      modelOverrides: TINY_MODEL,
    });
    result.model.dispose();
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  const config = (): {
    prototypeSpace: unknown;
    abstention: unknown;
    probabilityTemperatures: Record<string, number>;
  } =>
    JSON.parse(readFileSync(join(modelDir, 'config.json'), 'utf8')) as {
      prototypeSpace: unknown;
      abstention: unknown;
      probabilityTemperatures: Record<string, number>;
    };

  it('reproduces the calibration training wrote (space, abstention, temperature) on the same validation episodes, without leaking tensors', async () => {
    const trained = config();
    const before = tf.memory().numTensors;
    const run = await runCli([
      'recalibrate',
      '--model',
      modelDir,
      '--manifest',
      cohortDir,
      '--no-support-augmentation',
      '--json',
    ]);
    expect(run.code).toBe(0);
    expect(tf.memory().numTensors).toBe(before);
    expect(config().prototypeSpace).toEqual(trained.prototypeSpace);
    expect(config().abstention).toEqual(trained.abstention);
    expect(config().probabilityTemperatures).toEqual(trained.probabilityTemperatures);
    expect(Object.keys(trained.probabilityTemperatures)).toEqual(['1', '5']);
    const result = JSON.parse(run.stdout) as {
      validation: Array<{ space: string; features: string[] | null; accuracy: number }>;
    };
    // Measurement spaces hold every measurement; validation chooses only their weight.
    const sizes = new Set(
      result.validation.filter((v) => v.space === 'ecg+measurements').map((v) => v.features?.length),
    );
    expect([...sizes]).toEqual([MEASUREMENT_FEATURES.length]);
    const metrics = JSON.parse(readFileSync(join(modelDir, 'metrics.json'), 'utf8')) as {
      prototype_space_validation: Array<{ accuracy: number }>;
    };
    expect(result.validation.map((v) => v.accuracy)).toEqual(metrics.prototype_space_validation.map((v) => v.accuracy));
    expect(JSON.parse(readFileSync(join(modelDir, 'calibration.json'), 'utf8'))).toMatchObject({ manifest: cohortDir });
  });

  it('compares the spaces on more validation episodes when asked, and rejects a count below one', async () => {
    const run = await runCli([
      'recalibrate',
      '--model',
      modelDir,
      '--manifest',
      cohortDir,
      '--validation-episodes',
      '12',
      '--json',
    ]);
    expect(run.code).toBe(0);
    expect((JSON.parse(run.stdout) as { episodes: number }).episodes).toBe(12);
    expect(JSON.parse(readFileSync(join(modelDir, 'calibration.json'), 'utf8'))).toMatchObject({ episodes: 12 });
    const bad = await runCli([
      'recalibrate',
      '--model',
      modelDir,
      '--manifest',
      cohortDir,
      '--validation-episodes',
      '0',
    ]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--validation-episodes');
  });

  it('chooses the support-set augmentation on validation, records it in config.json, and enroll and predict use it', async () => {
    const run = await runCli([
      'recalibrate',
      '--model',
      modelDir,
      '--manifest',
      cohortDir,
      '--validation-episodes',
      '6',
      '--json',
    ]);
    expect(run.code, run.stderr).toBe(0);
    const result = JSON.parse(run.stdout) as {
      supportAugmentation: { views: number };
      augmentationValidation: Array<{ views: number; testTime: boolean; accuracy: number }>;
    };
    expect(result.augmentationValidation.map((a) => `${a.views}${a.testTime ? '+tta' : ''}`)).toEqual([
      '0',
      '2',
      '2+tta',
      '4',
      '4+tta',
      '8',
      '8+tta',
    ]);
    const best = result.augmentationValidation.reduce((a, b) => (b.accuracy > a.accuracy + 1e-12 ? b : a));
    expect(result.supportAugmentation.views).toBe(best.views);
    const file = join(modelDir, 'config.json');
    const written = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    expect(written.supportAugmentation).toEqual(result.supportAugmentation);
    // Force augmentation with test-time averaging, then enrol and predict with it.
    writeFileSync(file, JSON.stringify({ ...written, supportAugmentation: { views: 2, testTime: true, seed: 5 } }));
    const bank = join(root, 'bank.json');
    const enrol = await runCli([
      'enroll',
      '--model',
      modelDir,
      '--manifest',
      cohortDir,
      '--shots',
      '2',
      '--out',
      bank,
      '--json',
    ]);
    expect(enrol.code, enrol.stderr).toBe(0);
    const saved = JSON.parse(readFileSync(bank, 'utf8')) as {
      supportAugmentation: unknown;
      examples: Array<{ embedding: number[]; views: number[][] }>;
    };
    expect(saved.supportAugmentation).toEqual({ views: 2, testTime: true, seed: 5 });
    for (const e of saved.examples) {
      expect(e.views).toHaveLength(2);
      for (const v of e.views) expect(v).not.toEqual(e.embedding);
    }
    const manifest = readFileSync(join(cohortDir, 'manifest.csv'), 'utf8').split('\n');
    const record = join(cohortDir, (manifest.find((l) => l.split(',')[2] === 'jet') as string).split(',')[0] as string);
    const before = tf.memory().numTensors;
    const predict = async (): Promise<{ probabilities: Record<string, number> }> => {
      const p = await runCli(['predict', '--model', modelDir, '--bank', bank, '--record', record, '--json']);
      expect(p.code, p.stderr).toBe(0);
      return JSON.parse(p.stdout) as { probabilities: Record<string, number> };
    };
    const first = await predict();
    expect(tf.memory().numTensors).toBe(before);
    expect(Object.values(first.probabilities).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 6);
    expect(await predict()).toEqual(first);
    writeFileSync(file, JSON.stringify(written));
  });

  it('with --no-support-augmentation compares no augmentation and leaves the support set as it is, as training does', async () => {
    const file = join(modelDir, 'config.json');
    const before = readFileSync(file, 'utf8');
    writeFileSync(
      file,
      JSON.stringify({
        ...(JSON.parse(before) as object),
        supportAugmentation: { views: 4, testTime: false, seed: 5 },
      }),
    );
    const run = await runCli([
      'recalibrate',
      '--model',
      modelDir,
      '--manifest',
      cohortDir,
      '--validation-episodes',
      '6',
      '--no-support-augmentation',
      '--json',
    ]);
    expect(run.code, run.stderr).toBe(0);
    const result = JSON.parse(run.stdout) as {
      supportAugmentation: { views: number };
      augmentationValidation: unknown[];
    };
    expect(result.augmentationValidation).toEqual([]);
    expect(result.supportAugmentation.views).toBe(0);
    expect(
      (JSON.parse(readFileSync(file, 'utf8')) as { supportAugmentation?: { views: number } }).supportAugmentation
        ?.views ?? 0,
    ).toBe(0);
    writeFileSync(file, before);
  });

  it('fails with a one-line error naming the folder when the model directory does not exist', async () => {
    const run = await runCli(['recalibrate', '--model', join(root, 'nowhere'), '--manifest', cohortDir]);
    expect(run.code).toBe(1);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toContain('nowhere');
  });
});
