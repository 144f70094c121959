import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tinyModel } from '../../test-utils/tiny-model.js';
import { SHARED_REAL, hasSharedReal } from '../../test-utils/real-data.js';
import { runCli as run } from '../../test-utils/run-cli.js';
import { type EvalRealResult, formatEvalReal } from './eval-real.js';

describe.skipIf(!hasSharedReal)('fewbeat eval-real --task af-vs-sinus on the shared MIT-BIH records', () => {
  it('separates single-lead AF from sinus rhythm in patient-disjoint 5-shot episodes, with CIs', async () => {
    const argv = ['eval-real', '--mitdb', join(SHARED_REAL, 'mitdb'), '--episodes', '100', '--max-per-patient', '8'];
    const { code, stdout, stderr } = await run([...argv, '--json']);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const r = JSON.parse(stdout) as EvalRealResult;
    // the cardiologists annotated AF in 4 of the 29 patients (201, 203, 221, 222)
    expect(r.pool.afib?.patients).toBe(4);
    expect(r.pool.nsr!.patients).toBeGreaterThan(20);
    expect(r.methods.map((m) => m.method)).toEqual(['handcrafted-features', 'rr-anchor']);
    for (const m of r.methods) {
      expect(m.episode_accuracy.n).toBe(100);
      expect(m.episode_accuracy.ci95[0]).toBeLessThan(m.episode_accuracy.mean);
      // AF is the textbook case for RR irregularity: both methods are far above chance
      expect(m.episode_accuracy.mean).toBeGreaterThan(0.7);
    }
    const human = formatEvalReal(r);
    expect(human).toMatch(/^af-vs-sinus, lead II, 2-way 5-shot, 10 queries per class, 100 patient-disjoint episodes/);
    expect(human).toMatch(/rr-anchor +0\.\d{3} \[0\.\d{3}, 0\.\d{3}\]/);
  });

  it('evaluates the afib and nsr rows of an imported cohort (LUDB, lead I) the same way', async () => {
    const out = mkdtempSync(join(tmpdir(), 'fewbeat-eval-real-'));
    try {
      expect((await run(['import', 'ludb', join(SHARED_REAL, 'ludb'), '--out', out])).code).toBe(0);
      const argv = ['eval-real', '--manifest', out, '--lead', 'I', '--queries', '4', '--episodes', '50', '--json'];
      const { code, stdout, stderr } = await run(argv);
      expect(stderr).toBe('');
      expect(code).toBe(0);
      const r = JSON.parse(stdout) as EvalRealResult;
      expect(r.pool).toEqual({ nsr: { windows: 72, patients: 72 }, afib: { windows: 9, patients: 9 } });
      expect(r.lead).toBe('I');
      for (const m of r.methods) expect(m.episode_accuracy.mean).toBeGreaterThan(0.7);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });

  it('asks for exactly one source of recordings', async () => {
    for (const argv of [['eval-real'], ['eval-real', '--mitdb', 'a', '--manifest', 'b']]) {
      const { code, stderr } = await run(argv);
      expect(code).toBe(2);
      expect(stderr).toMatch(/give exactly one of --mitdb <dir> and --manifest <dir>/);
    }
  });

  it('refuses an unknown task as a usage error', async () => {
    const { code, stderr } = await run(['eval-real', '--mitdb', join(SHARED_REAL, 'mitdb'), '--task', 'vt']);
    expect(code).toBe(2);
    expect(stderr).toMatch(/option --task: expected af-vs-sinus, got 'vt'/);
  });
});

describe.skipIf(!hasSharedReal)('fewbeat eval-real --model', () => {
  let root: string;
  let modelDir: string;
  beforeAll(async () => {
    ({ root, modelDir } = await tinyModel());
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it(
    'evaluates a trained model on the same episodes as the baselines, ' +
      'reading one lead through its lead mask, without leaking tensors',
    async () => {
      const before = tf.memory().numTensors;
      const argv = ['eval-real', '--mitdb', join(SHARED_REAL, 'mitdb'), '--model', modelDir, '--json'];
      const { code, stdout, stderr } = await run([
        ...argv,
        '--episodes',
        '20',
        '--max-per-patient',
        '3',
        '--queries',
        '3',
      ]);
      expect(stderr).toBe('');
      expect(code).toBe(0);
      expect(tf.memory().numTensors).toBe(before);
      const r = JSON.parse(stdout) as EvalRealResult;
      expect(r.methods.map((m) => m.method)).toEqual(['full model', 'handcrafted-features', 'rr-anchor']);
      const full = r.methods[0]!;
      expect(full.episode_accuracy.n).toBe(20);
      expect(full.balanced_accuracy).toBeGreaterThanOrEqual(0);
      expect(full.balanced_accuracy).toBeLessThanOrEqual(1);
    },
  );
});
