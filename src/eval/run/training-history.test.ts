import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { withContentHash } from '../../util/content-hash.js';
import { trainingHistory } from './run-evaluation.js';

describe("trainingHistory (the learning curves of a model folder's metrics.json)", () => {
  const dir = mkdtempSync(join(tmpdir(), 'fewbeat-history-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'metrics.json');
  const metrics = withContentHash({
    format: 'fewbeat-training-metrics',
    version: 1,
    history: [{ episode: 1, loss: 2.5, contrastive: 1, class: 1.5, consistency: 0, learningRate: 0.001 }],
    validation: [{ episode: 1, accuracy: 0.5 }],
  });

  it('reads the curves of a file that matches its content hash', () => {
    writeFileSync(file, JSON.stringify(metrics, null, 1));
    expect(trainingHistory(dir)?.validation).toEqual([{ episode: 1, accuracy: 0.5 }]);
  });

  it('refuses a file changed by hand or cut short, in one line naming it', () => {
    writeFileSync(file, JSON.stringify({ ...metrics, validation: [{ episode: 1, accuracy: 0.9 }] }));
    expect(() => trainingHistory(dir)).toThrow(`${file}: content does not match its SHA-256`);
    writeFileSync(file, JSON.stringify(metrics).slice(0, 50));
    expect(() => trainingHistory(dir)).toThrow(`${file}: not valid JSON`);
  });
});
