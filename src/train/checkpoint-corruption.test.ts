import { readdirSync, readFileSync, rmSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isFewbeatError } from '../errors.js';
import { FewbeatModel } from '../models/model.js';
import { loadPreset } from '../models/presets.js';
import { initBackend } from '../runtime/backend.js';
import { Rng } from '../util/rng.js';
import { loadCheckpoint, saveCheckpoint } from './checkpoint.js';
import { initialTrainerState } from './trainer.js';

/**
 * A checkpoint (model weights and index, optimiser state and index, config.json) with any one
 * file truncated, any byte of a binary flipped, or any digit of a JSON file changed, is refused with
 * one FewbeatError line naming that file: the SHA-256 each index records of its binary, the ones
 * config.json records of the indexes, and config.json's own are checked on load. And a checkpoint that was not
 * damaged restores Adam's state exactly (its running powers β^(t+1) included).
 */
describe('a damaged training checkpoint', () => {
  const dir = mkdtempSync(join(tmpdir(), 'fewbeat-ckpt-'));
  let model: FewbeatModel;
  let optimizer: tf.AdamOptimizer;
  let probe: tf.Variable;

  beforeAll(async () => {
    await initBackend('wasm');
    probe = tf.variable(tf.tensor1d([1, -2, 3]), true, 'checkpoint-corruption/probe');
    model = new FewbeatModel(loadPreset('tiny', { clinical: { inputDim: 5 } }), 3);
    optimizer = tf.train.adam(0.01);
    for (let i = 0; i < 5; i++) optimizer.minimize(() => tf.sum(tf.square(probe)));
    await saveCheckpoint(dir, model, optimizer, { ...initialTrainerState(), episode: 5 }, { note: 'x' });
  });
  afterAll(() => {
    model.dispose();
    optimizer.dispose();
    probe.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  const files = (): string[] => readdirSync(dir).sort();
  const loadError = async (): Promise<string> => {
    const fresh = tf.train.adam(0.01);
    try {
      const restored = await loadCheckpoint(dir, fresh);
      restored.model.dispose();
      return 'no error';
    } catch (e) {
      if (!isFewbeatError(e)) throw e;
      return e.message;
    } finally {
      fresh.dispose();
    }
  };

  it('loads back when undamaged, with the optimiser state bit for bit', async () => {
    expect(files()).toEqual([
      'config.json',
      expect.stringMatching(/^optimizer-[0-9a-f]{16}\.bin$/),
      expect.stringMatching(/^optimizer-[0-9a-f]{16}\.json$/),
      expect.stringMatching(/^weights-[0-9a-f]{16}\.bin$/),
      expect.stringMatching(/^weights-[0-9a-f]{16}\.json$/),
    ]);
    const fresh = tf.train.adam(0.01);
    const restored = await loadCheckpoint(dir, fresh);
    restored.model.dispose();
    expect(restored.state.episode).toBe(5);
    const powers = (o: tf.Optimizer): number[] => {
      const a = o as unknown as { accBeta1: tf.Variable; accBeta2: tf.Variable };
      return [a.accBeta1.dataSync()[0] as number, a.accBeta2.dataSync()[0] as number];
    };
    expect(powers(fresh)).toEqual(powers(optimizer));
    const moments = async (o: tf.Optimizer): Promise<number[][]> =>
      (await o.getWeights()).map((w) => Array.from(w.tensor.dataSync()));
    expect(await moments(fresh)).toEqual(await moments(optimizer));
    fresh.dispose();
  });

  it('refuses each file cut in half, naming it', async () => {
    for (const name of files()) {
      const path = join(dir, name);
      const bytes = readFileSync(path);
      writeFileSync(path, bytes.subarray(0, bytes.length >> 1));
      const message = await loadError();
      writeFileSync(path, bytes);
      expect(message, name).toContain(path);
      expect(message).not.toContain('\n');
    }
  });

  it('refuses a flipped byte anywhere in the weights or optimiser binary, naming the file', async () => {
    const rng = new Rng(7);
    for (const name of files().filter((f) => f.endsWith('.bin'))) {
      const path = join(dir, name);
      const bytes = readFileSync(path);
      for (let k = 0; k < 8; k++) {
        const at = rng.int(0, bytes.length - 1);
        const damaged = Buffer.from(bytes);
        damaged[at] = (damaged[at] as number) ^ (1 << rng.int(0, 7));
        writeFileSync(path, damaged);
        const message = await loadError();
        writeFileSync(path, bytes);
        const index = name.startsWith('weights') ? name.replace('.bin', '.json') : 'its index';
        expect(message, `${name} byte ${at}`).toBe(`${path}: SHA-256 does not match ${index}: the file is corrupt`);
      }
    }
  });

  it('refuses a digit changed anywhere in config.json or an index (still valid JSON), naming the file', async () => {
    const rng = new Rng(11);
    for (const name of files().filter((f) => f.endsWith('.json'))) {
      const path = join(dir, name);
      const bytes = readFileSync(path);
      const digits = [...bytes.keys()].filter((i) => bytes[i]! >= 0x30 && bytes[i]! <= 0x39);
      for (let k = 0; k < 8; k++) {
        const at = digits[rng.int(0, digits.length - 1)] as number;
        const damaged = Buffer.from(bytes);
        damaged[at] = bytes[at] === 0x39 ? 0x30 : bytes[at]! + 1;
        writeFileSync(path, damaged);
        const message = await loadError();
        writeFileSync(path, bytes);
        expect(message, `${name} byte ${at}`).toContain(name.startsWith('config') ? path : name);
        expect(message).not.toContain('\n');
      }
    }
    expect(await loadError()).toBe('no error');
  });
});
