import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { FewbeatError } from '../errors.js';
import { loadModel, saveModel } from '../models/checkpoint.js';
import type { FewbeatModel } from '../models/model.js';
import { writeFileAtomic } from '../util/atomic-write.js';
import type { TrainerState } from './trainer.js';

/** Sub-folder of the model directory holding the latest training checkpoint. */
export const CHECKPOINT_DIR = 'checkpoint';
const STALE_OPTIMIZER = /^optimizer-[0-9a-f]{16}\.(bin|json)$/;

interface OptimizerIndex {
  format: 'fewbeat-optimizer';
  version: 1;
  entries: Array<{ name: string; shape: number[]; offset: number; size: number }>;
}

/**
 * Write a resumable checkpoint into `dir`: the optimiser's state (Adam moments and step count, in
 * variable order) as `optimizer-<h>.bin/.json`, then the model with `saveModel`, whose config.json
 * also carries the trainer state and names the optimiser file. config.json is written last, so a
 * run killed mid-write leaves the previous checkpoint loadable.
 */
export async function saveCheckpoint(
  dir: string,
  model: FewbeatModel,
  optimizer: tf.Optimizer,
  state: TrainerState,
  extra: Record<string, unknown>,
): Promise<void> {
  const named = await optimizer.getWeights();
  const total = named.reduce((n, w) => n + w.tensor.size, 0);
  const values = new Float32Array(total);
  const index: OptimizerIndex = { format: 'fewbeat-optimizer', version: 1, entries: [] };
  let offset = 0;
  for (const w of named) {
    values.set(w.tensor.dataSync() as Float32Array, offset);
    index.entries.push({ name: w.name, shape: [...w.tensor.shape], offset, size: w.tensor.size });
    offset += w.tensor.size;
  }
  // getWeights hands out the optimiser's own moment variables (keep them) and a fresh step-count scalar.
  tf.dispose(named.map((w) => w.tensor).filter((t) => !(t instanceof tf.Variable)));
  const bytes = new Uint8Array(values.buffer);
  const stem = `optimizer-${createHash('sha256').update(bytes).digest('hex').slice(0, 16)}`;
  writeFileAtomic(join(dir, `${stem}.bin`), bytes);
  writeFileAtomic(join(dir, `${stem}.json`), `${JSON.stringify(index)}\n`);
  saveModel(dir, model, { ...extra, trainer: state, optimizer: `${stem}.json` });
  for (const f of readdirSync(dir))
    if (STALE_OPTIMIZER.test(f) && !f.startsWith(`${stem}.`)) rmSync(join(dir, f), { force: true });
}

/** What {@link loadCheckpoint} restores. */
export interface RestoredCheckpoint {
  model: FewbeatModel;
  state: TrainerState;
  extra: Record<string, unknown>;
}

/** Read a checkpoint written by {@link saveCheckpoint}, restoring the optimiser's state into `optimizer`. */
export async function loadCheckpoint(dir: string, optimizer: tf.Optimizer): Promise<RestoredCheckpoint> {
  const { model, extra } = loadModel(dir);
  const { trainer, optimizer: indexName, ...rest } = extra as { trainer?: TrainerState; optimizer?: string };
  const configPath = join(dir, 'config.json');
  if (!trainer || typeof indexName !== 'string') {
    model.dispose();
    throw new FewbeatError('not a training checkpoint (no trainer state or optimiser file)', { file: configPath });
  }
  const indexPath = join(dir, indexName);
  const binPath = indexPath.replace(/\.json$/, '.bin');
  if (!existsSync(indexPath) || !existsSync(binPath)) {
    model.dispose();
    throw new FewbeatError('optimiser state missing', { file: indexPath });
  }
  const index = JSON.parse(readFileSync(indexPath, 'utf8')) as OptimizerIndex;
  const bytes = readFileSync(binPath);
  const values = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length));
  const named = index.entries.map((e) => ({
    name: e.name,
    tensor: tf.tensor(values.subarray(e.offset, e.offset + e.size), e.shape, 'float32'),
  }));
  await optimizer.setWeights(named);
  tf.dispose(named.map((w) => w.tensor));
  return { model, state: trainer, extra: rest };
}
