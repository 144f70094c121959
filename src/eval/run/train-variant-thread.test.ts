import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { trainConfigSchema } from '../../model-dir/train-config.js';
import { initBackend } from '../../runtime/backend.js';
import { TINY_MODEL, TINY_TRAINING, tinyCohort } from '../../test-utils/tiny-run.js';
import { trainModel } from '../../train/train-model.js';
import { TRAINED_BASELINES } from './ablations.js';
import { trainVariantInThread } from './demo-run.js';

const weightsOf = (dir: string): Buffer =>
  readFileSync(join(dir, readdirSync(dir).find((n) => /^weights-.*\.bin$/.test(n)) as string));

describe('trainVariantInThread', () => {
  const tiny = tinyCohort();
  afterAll(() => rmSync(tiny.root, { recursive: true, force: true }));

  it('trains a baseline on its own thread to the same weights as trainModel on the main thread', async () => {
    const variant = { ...(TRAINED_BASELINES[0] as (typeof TRAINED_BASELINES)[number]), model: TINY_MODEL };
    const lines: string[] = [];
    await initBackend('wasm');
    const threaded = await trainVariantInThread(
      { seed: 3, reuse: false, log: (l) => lines.push(l) },
      tiny.prepared,
      join(tiny.root, 'threaded'),
      variant,
      TINY_TRAINING,
    );
    threaded.model.dispose();
    const main = await trainModel({
      prepared: tiny.prepared,
      outDir: join(tiny.root, 'main'),
      preset: 'default',
      seed: 3,
      training: trainConfigSchema.parse({ ...TINY_TRAINING, ...variant.training }),
      modelOverrides: TINY_MODEL,
    });
    main.model.dispose();
    expect(lines).toEqual([expect.stringMatching(/^ecg-only-protonet: \d+ episodes in \d+ s, best validation/)]);
    expect(weightsOf(join(tiny.root, 'threaded')).equals(weightsOf(join(tiny.root, 'main')))).toBe(true);
  });
});
