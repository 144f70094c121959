import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
const eslint = new ESLint({ cwd: root });

/** The `fewbeat/layers` messages ESLint gives `code` as if it were the file `path` (relative to the repository). */
async function layerMessages(code: string, path: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: `${root}${path}` });
  return (result?.messages ?? []).filter((m) => m.ruleId === 'fewbeat/layers').map((m) => m.message);
}

describe('the layers lint rule', () => {
  it('fails a few-shot file that imports the training engine', async () => {
    const messages = await layerMessages(
      "import { trainEpisodes } from '../train/trainer.js';\nexport const f = trainEpisodes;\n",
      'src/fewshot/new-file.ts',
    );
    expect(messages).toEqual([
      'src/fewshot may not import src/train (../train/trainer.js): see the layers in docs/DEVELOPING.md',
    ]);
  });

  it('fails a nested evaluation file that imports the CLI, and a dynamic import of it', async () => {
    const messages = await layerMessages(
      "import { emit } from '../../cli/output.js';\nexport const f = emit;\n" +
        "export const g = () => import('../../cli/main.js');\n",
      'src/eval/run/new-file.ts',
    );
    expect(messages).toHaveLength(2);
    expect(messages[0]).toContain('src/eval may not import src/cli');
  });

  it('fails signal code that imports tfjs, and production code that imports a test helper', async () => {
    expect(
      await layerMessages("import * as tf from '@tensorflow/tfjs';\nexport const t = tf;\n", 'src/signal/x.ts'),
    ).toEqual(['src/signal is plain TypeScript over typed arrays: it may not import @tensorflow/tfjs']);
    expect(
      await layerMessages(
        "import { runCli } from '../test-utils/run-cli.js';\nexport const r = runCli;\n",
        'src/cli/x.ts',
      ),
    ).toEqual(['src/test-utils is left out of the build: only tests may import ../test-utils/run-cli.js']);
  });

  it('passes imports that follow the rule, in new subfolders too', async () => {
    expect(
      await layerMessages(
        "import { readModelDir } from '../../model-dir/model-dir.js';\nexport const r = readModelDir;\n",
        'src/serve/routes/predict.ts',
      ),
    ).toEqual([]);
    expect(
      await layerMessages(
        "import type { Ecg } from '../ecg.js';\nimport { FewbeatError } from '../../errors.js';\n" +
          'export type E = Ecg;\nexport const e = FewbeatError;\n',
        'src/io/hospital/reader.ts',
      ),
    ).toEqual([]);
    expect(
      await layerMessages(
        "import { runCli } from '../../test-utils/run-cli.js';\nexport const r = runCli;\n",
        'src/fewshot/sub/x.test.ts',
      ),
    ).toEqual([]);
  });
});
