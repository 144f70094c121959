import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { saveModel } from '../models/checkpoint.js';
import { modelConfigSchema } from '../models/config.js';
import { FewbeatModel } from '../models/model.js';
import { initBackend } from '../runtime/backend.js';
import { readModelDir } from './model-dir.js';

const config = modelConfigSchema.parse({
  ecg: { leads: 2, samples: 32, stemChannels: 4, blocks: [{ out: 6, stride: 2, kernel: 3 }], embedDim: 8 },
  clinical: { inputDim: 3, hidden: [4], embedDim: 8 },
  projDim: 4,
});

/** The fields `fewbeat train` adds to config.json, for a 2-lead, 32-sample model. */
const extra = {
  preprocessing: { fs: 100, samples: 32, leads: ['I', 'II'], bandpassHz: [0.5, 40], filterOrder: 2 },
  clinical: { version: 1, schema: { fields: [] }, numeric: {} },
  classes: { base: ['a', 'b'], novel: ['c'] },
  training: {},
  cohort: 'cohort',
  preset: 'tiny',
  prototypeSpace: { kind: 'fused' },
  abstention: null,
  probabilityTemperatures: { '5': 1.5 },
  contextGate: null,
};

describe('readModelDir: the preprocessing configuration must go with the weights', () => {
  const root = mkdtempSync(join(tmpdir(), 'fewbeat-model-dir-'));
  beforeAll(async () => {
    await initBackend();
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  const saved = (name: string, preprocessing: Record<string, unknown>): string => {
    const dir = join(root, name);
    const model = new FewbeatModel(config, 1);
    saveModel(dir, model, { ...extra, preprocessing: { ...extra.preprocessing, ...preprocessing } });
    model.dispose();
    return dir;
  };
  const refusal = (dir: string): string => {
    try {
      readModelDir(dir).model.dispose();
      return 'no error';
    } catch (e) {
      return (e as Error).message;
    }
  };

  it('loads a model whose preprocessing fits its encoder', () => {
    expect(refusal(saved('fits', {}))).toBe('no error');
  });

  it('refuses a lead count, sample count or band-pass that cannot feed the encoder, in one line', () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ leads: ['I', 'II', 'V1'] }, "preprocessing: 3 leads, the model's encoder takes 2"],
      [{ samples: 1000 }, "preprocessing: 1000 samples, the model's encoder takes 32"],
      [{ leads: ['I', 'I'] }, 'preprocessing: lead names repeat (I, I)'],
      [{ bandpassHz: [0.5, 60] }, 'preprocessing: band-pass [0.5, 60] Hz is not inside (0, 50) Hz with low < high'],
    ];
    for (const [change, reason] of cases) {
      const dir = saved(JSON.stringify(change).replace(/\W/g, '_'), change);
      expect(refusal(dir)).toBe(
        `${join(dir, 'config.json')}: ${reason} (the configuration does not go with these weights)`,
      );
    }
  });

  it('refuses a config.json cut short, or with its preprocessing edited by hand', () => {
    const dir = saved('edited', {});
    const file = join(dir, 'config.json');
    const text = readFileSync(file, 'utf8');
    writeFileSync(file, text.replace('"samples": 32', '"samples": 33'));
    expect(refusal(dir)).toMatch(/config\.json: content does not match its SHA-256/);
    writeFileSync(file, text.slice(0, text.length - 40));
    expect(refusal(dir)).toMatch(/config\.json: not valid JSON/);
  });
});
