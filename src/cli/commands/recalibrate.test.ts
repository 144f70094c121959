import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MEASUREMENT_FEATURES } from '../../data/measurements.js';
import { runCli } from '../../test-utils/run-cli.js';
import { tinyModel } from '../../test-utils/tiny-model.js';

describe('fewbeat recalibrate', () => {
  let root: string;
  let modelDir: string;
  let cohortDir: string;

  beforeAll(async () => {
    // tinyModel splits the cohort and trains with seed 3, so recalibration sees training's validation children.
    ({ root, modelDir, cohortDir } = await tinyModel());
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

  it(
    'reproduces the calibration training wrote (space, abstention, ' +
      'temperature) on the same validation episodes, without leaking tensors',
    async () => {
      const trained = config();
      const before = tf.memory().numTensors;
      const run = await runCli(['recalibrate', '--model', modelDir, '--manifest', cohortDir, '--json']);
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
      expect(result.validation.map((v) => v.accuracy)).toEqual(
        metrics.prototype_space_validation.map((v) => v.accuracy),
      );
      expect(JSON.parse(readFileSync(join(modelDir, 'calibration.json'), 'utf8'))).toMatchObject({
        manifest: cohortDir,
      });
    },
  );

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

  it(
    'enrolls a bank with the recalibrated head, and predict answers from ' + 'it, the same twice and leak-free',
    async () => {
      const bank = join(root, 'bank.json');
      const enroll = await runCli([
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
      expect(enroll.code, enroll.stderr).toBe(0);
      const saved = JSON.parse(readFileSync(bank, 'utf8')) as {
        version: number;
        head: { probabilityTemperatures: Record<string, number> };
        examples: Array<{ embedding: number[]; clinical?: number[] }>;
      };
      expect(saved.version).toBe(3);
      // 2 shots per class: the temperature calibrated at 1 shot (the nearest) is the bank's.
      const temperatures = config().probabilityTemperatures;
      expect(saved.head.probabilityTemperatures).toEqual({ 1: temperatures['1'] });
      const manifest = readFileSync(join(cohortDir, 'manifest.csv'), 'utf8').split('\n');
      const record = join(
        cohortDir,
        (manifest.find((l) => l.split(',')[2] === 'jet') as string).split(',')[0] as string,
      );
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
    },
  );

  it('refuses a model directory of an older format version with one line saying how to make a new one', async () => {
    const file = join(modelDir, 'config.json');
    const before = readFileSync(file, 'utf8');
    writeFileSync(file, JSON.stringify({ ...(JSON.parse(before) as object), version: 1 }));
    const run = await runCli(['recalibrate', '--model', modelDir, '--manifest', cohortDir]);
    writeFileSync(file, before);
    expect(run.code).toBe(1);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toContain('model format version 1, this fewbeat reads version 3: train the model again');
  });

  it('fails with a one-line error naming the folder when the model directory does not exist', async () => {
    const run = await runCli(['recalibrate', '--model', join(root, 'nowhere'), '--manifest', cohortDir]);
    expect(run.code).toBe(1);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toContain('nowhere');
  });
});
