import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { FewbeatError } from '../errors.js';
import { initBackend } from '../runtime/backend.js';
import { withContentHash } from '../util/content-hash.js';
import { CONFIG_FILE, loadModel, saveModel } from './checkpoint.js';
import { modelConfigSchema } from './config.js';
import { FewbeatModel } from './model.js';

const config = modelConfigSchema.parse({
  ecg: { leads: 2, samples: 32, stemChannels: 4, blocks: [{ out: 6, stride: 2, kernel: 3 }], embedDim: 8 },
  clinical: { inputDim: 3, hidden: [4], embedDim: 8 },
  projDim: 4,
});

function input(): { ecg: tf.Tensor3D; leadMask: tf.Tensor2D; clinical: tf.Tensor2D } {
  return {
    ecg: tf.randomNormal([3, 32, 2], 0, 1, 'float32', 1) as tf.Tensor3D,
    leadMask: tf.tensor2d([
      [1, 1],
      [1, 0],
      [0, 1],
    ]),
    clinical: tf.randomNormal([3, 3], 0, 1, 'float32', 2) as tf.Tensor2D,
  };
}

/** A model whose BatchNorm statistics have moved, so they are part of what must round-trip. */
function trainedModel(seed: number): FewbeatModel {
  const model = new FewbeatModel(config, seed);
  const x = input();
  tf.tidy(() => void model.forward(x, { training: true }));
  tf.dispose(Object.values(x));
  return model;
}

const evalFused = (model: FewbeatModel): Float32Array => {
  const x = input();
  const fused = tf.tidy(() => model.forward(x, { training: false }).fused.dataSync() as Float32Array);
  tf.dispose(Object.values(x));
  return fused;
};

describe('saveModel / loadModel', () => {
  const dirs: string[] = [];
  const tempDir = (): string => {
    const dir = mkdtempSync(join(tmpdir(), 'fewbeat-ckpt-'));
    dirs.push(dir);
    return dir;
  };

  beforeAll(async () => {
    await initBackend();
  });
  afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

  it('restores every weight, running statistics included, and the same eval outputs', () => {
    const dir = tempDir();
    const model = trainedModel(1);
    saveModel(dir, model, { classes: ['nsr', 'svt'] });
    const { model: loaded, extra } = loadModel(dir);
    expect(extra).toEqual({ classes: ['nsr', 'svt'] });
    expect(loaded.config).toEqual(model.config);
    expect(loaded.seed).toBe(1);
    const original = model.getWeights();
    for (const [name, w] of loaded.getWeights())
      expect(Array.from(w.dataSync())).toEqual(Array.from(original.get(name)!.dataSync()));
    expect(Array.from(evalFused(loaded))).toEqual(Array.from(evalFused(model)));
    model.dispose();
    loaded.dispose();
  });

  it('writes a weights index that tfjs itself can decode', () => {
    const dir = tempDir();
    const model = trainedModel(2);
    saveModel(dir, model);
    const configJson = JSON.parse(readFileSync(join(dir, CONFIG_FILE), 'utf8'));
    const index = JSON.parse(readFileSync(join(dir, configJson.weights), 'utf8'));
    const bin = readFileSync(join(dir, index.weightsManifest[0].paths[0]));
    const decoded = tf.io.decodeWeights(
      bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.length),
      index.weightsManifest[0].weights,
    );
    for (const [name, w] of model.getWeights())
      expect(Array.from(decoded[name]!.dataSync())).toEqual(Array.from(w.dataSync()));
    tf.dispose(Object.values(decoded));
    model.dispose();
  });

  it(
    'replaces the previous weights on a new save and still loads the old ' +
      'ones when a save stops before config.json',
    () => {
      const dir = tempDir();
      const first = trainedModel(3);
      saveModel(dir, first);
      const second = trainedModel(4);
      saveModel(dir, second);
      expect(readdirSync(dir).filter((f) => f.startsWith('weights-'))).toHaveLength(2); // one .bin + one .json
      // Killed after writing the first model's weight files but before config.json (and before the clean-up).
      const other = tempDir();
      saveModel(other, first);
      for (const f of readdirSync(other).filter((f) => f.startsWith('weights-')))
        copyFileSync(join(other, f), join(dir, f));
      expect(readdirSync(dir).filter((f) => f.startsWith('weights-'))).toHaveLength(4);
      const { model: loaded } = loadModel(dir);
      expect(Array.from(evalFused(loaded))).toEqual(Array.from(evalFused(second)));
      saveModel(dir, loaded);
      expect(readdirSync(dir).filter((f) => f.startsWith('weights-'))).toHaveLength(2);
      [first, second, loaded].forEach((m) => m.dispose());
    },
  );

  it('leaks no tensors on save and load', () => {
    const dir = tempDir();
    const model = trainedModel(5);
    saveModel(dir, model);
    loadModel(dir).model.dispose();
    const before = tf.memory().numTensors;
    saveModel(dir, model);
    loadModel(dir).model.dispose();
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });

  it('names the file and the reason for a corrupt, truncated, missing or mismatched model', () => {
    const dir = tempDir();
    const model = trainedModel(6);
    saveModel(dir, model);
    model.dispose();
    const configJson = JSON.parse(readFileSync(join(dir, CONFIG_FILE), 'utf8'));
    const indexFile = join(dir, configJson.weights);
    const binFile = join(dir, JSON.parse(readFileSync(indexFile, 'utf8')).weightsManifest[0].paths[0]);
    const bin = readFileSync(binFile);

    const flipped = Buffer.from(bin);
    flipped[10]! ^= 0xff;
    writeFileSync(binFile, flipped);
    expect(() => loadModel(dir)).toThrow(/weights-[0-9a-f]{16}\.bin: SHA-256 does not match/);

    writeFileSync(binFile, bin.subarray(0, bin.length - 4));
    expect(() => loadModel(dir)).toThrow(/\.bin: has \d+ bytes, weights-[0-9a-f]{16}\.json says \d+/);
    writeFileSync(binFile, bin);

    const wider = withContentHash({ ...configJson, model: { ...configJson.model, projDim: 5 } });
    writeFileSync(join(dir, CONFIG_FILE), JSON.stringify(wider));
    expect(() => loadModel(dir)).toThrow(/parameter proj\.ecg\.w has shape \[8,4\], the model expects \[8,5\]/);

    writeFileSync(
      join(dir, CONFIG_FILE),
      JSON.stringify(withContentHash({ ...configJson, model: { ...configJson.model, projDim: 0 } })),
    );
    expect(() => loadModel(dir)).toThrow(/config\.json: projDim: /);

    writeFileSync(join(dir, CONFIG_FILE), '{"format": "fewbeat-model", ');
    expect(() => loadModel(dir)).toThrow(/config\.json: not valid JSON/);

    rmSync(join(dir, CONFIG_FILE));
    expect(() => loadModel(dir)).toThrow(FewbeatError);
    expect(() => loadModel(dir)).toThrow(/config\.json: file not found/);
  });

  it('refuses each file cut short or with a byte flipped, in one line naming the file', () => {
    const dir = tempDir();
    const model = trainedModel(7);
    saveModel(dir, model, { preprocessing: { fs: 100, leads: ['I', 'II'] }, threshold: 0.25 });
    model.dispose();
    const names = readdirSync(dir).sort();
    expect(names).toEqual(['config.json', expect.stringMatching(/\.bin$/), expect.stringMatching(/\.json$/)]);
    const refusal = (): string => {
      try {
        loadModel(dir).model.dispose();
        return 'no error';
      } catch (e) {
        expect(e).toBeInstanceOf(FewbeatError);
        return (e as Error).message;
      }
    };
    for (const name of names) {
      const file = join(dir, name);
      const original = readFileSync(file);
      const damaged = [original.subarray(0, original.length >> 1), original.subarray(0, original.length - 2)];
      // A flip inside a value that keeps the JSON valid (a digit, a letter), and one anywhere (seeded positions).
      const digit = original.findIndex((b, i) => i > original.length / 2 && b >= 0x31 && b <= 0x38);
      for (const at of [digit, 17, Math.floor(original.length * 0.37), original.length - 5]) {
        const flipped = Buffer.from(original);
        flipped[at] = flipped[at]! + (flipped[at]! >= 0x31 && flipped[at]! <= 0x38 ? 1 : 0x20);
        damaged.push(flipped);
      }
      for (const bytes of damaged) {
        writeFileSync(file, bytes);
        const message = refusal();
        expect(message.split('\n')).toHaveLength(1);
        expect(message).toContain(name);
      }
      writeFileSync(file, original);
    }
    expect(refusal()).toBe('no error');
  });

  it('refuses a config.json whose digit was changed by hand, saying it does not match its SHA-256', () => {
    const dir = tempDir();
    const model = trainedModel(8);
    saveModel(dir, model, { abstention: { quantile: 0.95, thresholds: { '5': 1.25 } } });
    model.dispose();
    const file = join(dir, CONFIG_FILE);
    writeFileSync(file, readFileSync(file, 'utf8').replace('1.25', '1.35'));
    expect(() => loadModel(dir)).toThrow(
      /config\.json: content does not match its SHA-256: the file was changed or is corrupt; restore the model/,
    );
  });

  it('refuses extra fields that would shadow its own', () => {
    const model = new FewbeatModel(config, 1);
    expect(() => saveModel(tempDir(), model, { seed: 3 })).toThrow(/may not be named seed/);
    model.dispose();
  });
});
