import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../runtime/backend.js';
import { FIXTURE_REAL } from '../../test-utils/real-data.js';
import { runCli } from '../../test-utils/run-cli.js';
import { TINY_MODEL, TINY_SPEC, TINY_TRAINING, tinyCohort } from '../../test-utils/tiny-run.js';
import { formatLodo, leaveOneDatasetOut } from './leave-one-dataset-out.js';

describe('leave-one-dataset-out evaluation on tiny inputs', () => {
  let root: string;
  let synthetic: string;

  beforeAll(async () => {
    await initBackend('wasm');
    ({ root, cohortDir: synthetic } = tinyCohort());
    for (const [format, src] of [
      ['challenge', 'challenge2020'],
      ['mitdb', 'mitdb'],
    ] as const)
      expect((await runCli(['import', format, join(FIXTURE_REAL, src), '--out', join(root, format)])).code).toBe(0);
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('trains without each real set and compares with the synthetic-only model on the same episodes', async () => {
    const before = tf.memory().numTensors;
    const result = await leaveOneDatasetOut({
      synthetic,
      real: [
        { name: 'challenge', dir: join(root, 'challenge') },
        { name: 'mitdb', dir: join(root, 'mitdb') },
      ],
      out: join(root, 'lodo'),
      spec: TINY_SPEC,
      preset: 'default',
      modelOverrides: TINY_MODEL,
      training: TINY_TRAINING,
      weight: 2,
      shots: 1,
      queries: 1,
      episodes: 8,
      seed: 3,
    });
    expect(tf.memory().numTensors).toBe(before);
    const [challenge, mitdb] = result.heldOut;
    expect(challenge?.trainedWith).toEqual(['mitdb']);
    expect(challenge?.skipped).toBeNull();
    expect(Object.values(challenge?.pool ?? {}).every((p) => p.patients >= 2)).toBe(true);
    expect(challenge?.methods.map((m) => m.method)).toEqual(['synthetic only', 'synthetic + mitdb']);
    for (const m of challenge?.methods ?? []) {
      expect(m.episode_accuracy.mean).toBeGreaterThanOrEqual(0);
      expect(m.episode_accuracy.mean).toBeLessThanOrEqual(1);
    }
    // the MIT-BIH fixture is one patient: no class has the two patients a 1-shot 1-query episode needs
    expect(mitdb?.trainedWith).toEqual(['challenge']);
    expect(mitdb?.skipped).toMatch(/fewer than two classes have 2 patients/);
    expect(existsSync(join(root, 'lodo', 'without-mitdb'))).toBe(false);
    expect(existsSync(join(root, 'lodo', 'without-challenge', 'config.json'))).toBe(true);
    const table = formatLodo(result);
    expect(table).toContain('held out: challenge (trained on synthetic + mitdb, weight 2)');
    expect(table).toContain('held out: mitdb (trained on synthetic + challenge, weight 2)');
  });
});
