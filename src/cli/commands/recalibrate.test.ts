import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../runtime/backend.js';
import { runCli } from '../../test-utils/run-cli.js';
import { TINY_MODEL, TINY_TRAINING, tinyCohort } from '../../train/test-support/tiny-run.js';
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
    const result = await trainModel({ prepared: tiny.prepared, outDir: modelDir, preset: 'default', seed: 3, training: TINY_TRAINING, modelOverrides: TINY_MODEL });
    result.model.dispose();
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  const config = (): { prototypeSpace: unknown; abstention: unknown } => JSON.parse(readFileSync(join(modelDir, 'config.json'), 'utf8')) as { prototypeSpace: unknown; abstention: unknown };

  it('reproduces the calibration training wrote, on the same validation episodes, without leaking tensors', async () => {
    const trained = config();
    const before = tf.memory().numTensors;
    const run = await runCli(['recalibrate', '--model', modelDir, '--manifest', cohortDir, '--json']);
    expect(run.code).toBe(0);
    expect(tf.memory().numTensors).toBe(before);
    expect(config().prototypeSpace).toEqual(trained.prototypeSpace);
    expect(config().abstention).toEqual(trained.abstention);
    const result = JSON.parse(run.stdout) as { validation: Array<{ space: string; features: string[] | null; accuracy: number }> };
    // Both measurement sets are candidates: the original seven and all ten.
    const sizes = new Set(result.validation.filter((v) => v.space === 'ecg+measurements').map((v) => v.features?.length));
    expect([...sizes].sort()).toEqual([10, 7]);
    const metrics = JSON.parse(readFileSync(join(modelDir, 'metrics.json'), 'utf8')) as { prototype_space_validation: Array<{ accuracy: number }> };
    expect(result.validation.map((v) => v.accuracy)).toEqual(metrics.prototype_space_validation.map((v) => v.accuracy));
    expect(JSON.parse(readFileSync(join(modelDir, 'calibration.json'), 'utf8'))).toMatchObject({ manifest: cohortDir });
  });

  it('compares the spaces on more validation episodes when asked, and rejects a count below one', async () => {
    const run = await runCli(['recalibrate', '--model', modelDir, '--manifest', cohortDir, '--validation-episodes', '12', '--json']);
    expect(run.code).toBe(0);
    expect((JSON.parse(run.stdout) as { episodes: number }).episodes).toBe(12);
    expect(JSON.parse(readFileSync(join(modelDir, 'calibration.json'), 'utf8'))).toMatchObject({ episodes: 12 });
    const bad = await runCli(['recalibrate', '--model', modelDir, '--manifest', cohortDir, '--validation-episodes', '0']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--validation-episodes');
  });

  it('fails with a one-line error naming the folder when the model directory does not exist', async () => {
    const run = await runCli(['recalibrate', '--model', join(root, 'nowhere'), '--manifest', cohortDir]);
    expect(run.code).toBe(1);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toContain('nowhere');
  });
});
