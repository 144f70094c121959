import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../runtime/backend.js';
import { CHECKPOINT_DIR } from './checkpoint.js';
import { readModelDir } from '../model-dir/model-dir.js';
import type { PreparedCohort } from '../data/prepare-cohort.js';
import { TINY_MODEL, TINY_SPEC, TINY_TRAINING, tinyCohort } from '../test-utils/tiny-run.js';
import { trainModel } from './train-model.js';
import { checkContentHash } from '../util/content-hash.js';
import { VALIDATION_LEAD_SETS } from '../data/lead-sets.js';

const spec = TINY_SPEC;
const tiny = TINY_MODEL;
const training = TINY_TRAINING;

describe('trainModel (episodic meta-training end to end)', () => {
  let root: string;
  let prepared: PreparedCohort;

  beforeAll(async () => {
    await initBackend('wasm');
    ({ root, prepared } = tinyCohort());
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  const run = async (outDir: string, extra: Partial<Parameters<typeof trainModel>[0]> = {}) => {
    const result = await trainModel({
      prepared,
      outDir,
      preset: 'default',
      seed: 5,
      training,
      modelOverrides: tiny,
      ...extra,
    });
    result.model.dispose();
    return result;
  };

  it('writes a model directory that loads back with its preprocessing, encoder, classes and calibration', async () => {
    const before = tf.memory().numTensors;
    const result = await run(join(root, 'a'));
    expect(tf.memory().numTensors).toBe(before); // training, validation and calibration leak nothing
    expect(result.state.episode).toBe(6);
    expect(result.state.validation.map((v) => v.episode)).toEqual([3, 6]);
    const loaded = readModelDir(join(root, 'a'));
    expect(loaded.spec).toEqual(spec);
    expect(loaded.extra.classes.novel).toEqual(['jet', 'vt']);
    expect(loaded.extra.classes.base).toEqual(['chb', 'lqts', 'nsr', 'svt']);
    expect(loaded.encoder.size).toBe(prepared.encoder.size);
    expect(Object.keys(loaded.extra.abstention?.thresholds ?? {})).toContain('1');
    expect(loaded.extra.prototypeSpace?.kind).toMatch(/^(fused|ecg\+clinical|ecg\+measurements)$/);
    loaded.model.dispose();
    const card = readFileSync(join(root, 'a', 'MODEL_CARD.md'), 'utf8');
    expect(card).toContain('Novel classes (never seen in training): jet, vt');
    const metrics = JSON.parse(readFileSync(join(root, 'a', 'metrics.json'), 'utf8')) as {
      history: unknown[];
      validation_by_lead_set: Array<{ lead_set: string; accuracy: number }>;
    };
    expect(metrics.history).toHaveLength(6);
    // the card and metrics give the validation accuracy on every lead set, the single leads included
    expect(metrics.validation_by_lead_set.map((m) => m.lead_set)).toEqual(VALIDATION_LEAD_SETS.map((s) => s.name));
    for (const m of metrics.validation_by_lead_set) {
      expect(m.accuracy).toBeGreaterThanOrEqual(0);
      expect(card).toContain(`| ${m.lead_set} | ${m.accuracy.toFixed(3)} |`);
    }
    expect(metrics).toMatchObject({ format: 'fewbeat-training-metrics', version: 1 });
    expect(() => checkContentHash(metrics, 'metrics.json', '')).not.toThrow();
    expect(existsSync(join(root, 'a', CHECKPOINT_DIR))).toBe(false); // a finished run leaves no checkpoint
  });

  it('is deterministic: the same seed gives the same losses and validation accuracies', async () => {
    const a = await run(join(root, 'd1'));
    const b = await run(join(root, 'd2'));
    expect(b.state.history).toEqual(a.state.history);
    expect(b.state.validation).toEqual(a.state.validation);
  });

  it('resumes a killed run from its checkpoint and ends exactly where an uninterrupted run ends', async () => {
    const uninterrupted = await run(join(root, 'r0'));
    const dir = join(root, 'r1');
    await expect(
      run(dir, {
        onStep: (r) => {
          if (r.episode === 5) throw new Error('killed');
        },
      }),
    ).rejects.toThrow('killed');
    expect(existsSync(join(dir, CHECKPOINT_DIR, 'config.json'))).toBe(true);
    const resumed = await run(dir, { resume: true });
    expect(resumed.state.history).toEqual(uninterrupted.state.history);
    expect(resumed.state.validation).toEqual(uninterrupted.state.validation);
  });
});
