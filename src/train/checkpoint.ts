import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { z } from 'zod';
import { FewbeatError } from '../errors.js';
import { loadModel, saveModel } from '../models/checkpoint.js';
import type { FewbeatModel } from '../models/model.js';
import { writeFileAtomic } from '../util/atomic-write.js';
import { sha256Hex } from '../util/content-hash.js';
import type { TrainerState } from './trainer.js';

/** Sub-folder of the model directory holding the latest training checkpoint. */
export const CHECKPOINT_DIR = 'checkpoint';
const STALE_OPTIMIZER = /^optimizer-[0-9a-f]{16}\.(bin|json)$/;

/**
 * `optimizer-<h>.json`, the index of `optimizer-<h>.bin` (float32 values, concatenated). Version 2
 * adds the binary's SHA-256 and byte length, checked on load, and Adam's running powers β1^(t+1)
 * and β2^(t+1) as the float32 values the optimiser holds: tfjs's `setWeights` recomputes them as
 * `pow(β, t + 1)`, which differs in the last bit from the product of t + 1 roundings the optimiser
 * accumulates (on wasm, for 2,964 of the first 3,000 step counts at β1 = 0.9 or β2 = 0.999), so a
 * resumed run would drift from an uninterrupted one.
 */
const optimizerIndexSchema = z.object({
  format: z.literal('fewbeat-optimizer'),
  version: z.union([z.literal(1), z.literal(2)]),
  sha256: z
    .string()
    .regex(/^[0-9a-f]{64}$/)
    .optional(),
  byteLength: z.number().int().nonnegative().optional(),
  adamPowers: z.object({ beta1: z.number(), beta2: z.number() }).optional(),
  entries: z.array(
    z.object({
      name: z.string().min(1),
      shape: z.array(z.number().int().nonnegative()),
      offset: z.number().int().nonnegative(),
      size: z.number().int().nonnegative(),
    }),
  ),
});
type OptimizerIndex = z.infer<typeof optimizerIndexSchema>;

/** The optimiser-file version this code writes. */
export const OPTIMIZER_FORMAT_VERSION = 2;

/** tfjs's Adam keeps β1^(t+1) and β2^(t+1) in these (non-public) scalar variables. */
interface AdamPowers {
  accBeta1?: unknown;
  accBeta2?: unknown;
}

function adamPowerVariables(optimizer: tf.Optimizer): { beta1: tf.Variable; beta2: tf.Variable } | null {
  const { accBeta1, accBeta2 } = optimizer as unknown as AdamPowers;
  return accBeta1 instanceof tf.Variable && accBeta2 instanceof tf.Variable
    ? { beta1: accBeta1, beta2: accBeta2 }
    : null;
}

/**
 * Write a resumable checkpoint into `dir`: the optimiser's state (Adam moments and step count, in
 * variable order) as `optimizer-<h>.bin/.json`, then the model with `saveModel`, whose config.json
 * also carries the trainer state, names the optimiser file and records the SHA-256 of its bytes
 * (`optimizerIndexSha256`; the index records the binary's). config.json is written last, so a
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
  const index: OptimizerIndex = { format: 'fewbeat-optimizer', version: OPTIMIZER_FORMAT_VERSION, entries: [] };
  let offset = 0;
  for (const w of named) {
    values.set(w.tensor.dataSync() as Float32Array, offset);
    index.entries.push({ name: w.name, shape: [...w.tensor.shape], offset, size: w.tensor.size });
    offset += w.tensor.size;
  }
  // getWeights hands out the optimiser's own moment variables (keep them) and a fresh step-count scalar.
  tf.dispose(named.map((w) => w.tensor).filter((t) => !(t instanceof tf.Variable)));
  const bytes = new Uint8Array(values.buffer);
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  index.sha256 = sha256;
  index.byteLength = bytes.length;
  const powers = adamPowerVariables(optimizer);
  if (powers)
    index.adamPowers = { beta1: powers.beta1.dataSync()[0] as number, beta2: powers.beta2.dataSync()[0] as number };
  const stem = `optimizer-${sha256.slice(0, 16)}`;
  writeFileAtomic(join(dir, `${stem}.bin`), bytes);
  const indexText = `${JSON.stringify(index)}\n`;
  writeFileAtomic(join(dir, `${stem}.json`), indexText);
  saveModel(dir, model, {
    ...extra,
    trainer: state,
    optimizer: `${stem}.json`,
    optimizerIndexSha256: sha256Hex(indexText),
  });
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
  const {
    trainer,
    optimizer: indexName,
    optimizerIndexSha256: indexSha256,
    ...rest
  } = extra as { trainer?: TrainerState; optimizer?: string; optimizerIndexSha256?: string };
  const configPath = join(dir, 'config.json');
  if (!trainer || typeof indexName !== 'string' || typeof indexSha256 !== 'string') {
    model.dispose();
    throw new FewbeatError('not a training checkpoint (no trainer state or optimiser file)', { file: configPath });
  }
  const indexPath = join(dir, indexName);
  const binPath = indexPath.replace(/\.json$/, '.bin');
  if (!existsSync(indexPath) || !existsSync(binPath)) {
    model.dispose();
    throw new FewbeatError('optimiser state missing', { file: indexPath });
  }
  try {
    if (sha256Hex(readFileSync(indexPath)) !== indexSha256)
      throw new FewbeatError('SHA-256 does not match the one config.json records: the file was changed or is corrupt', {
        file: indexPath,
      });
    await restoreOptimizer(indexPath, binPath, optimizer);
  } catch (e) {
    model.dispose();
    throw e;
  }
  return { model, state: trainer, extra: rest };
}

/** Read `optimizer-<h>.json/.bin` into `optimizer`; a file that is not what the index says is a FewbeatError. */
async function restoreOptimizer(indexPath: string, binPath: string, optimizer: tf.Optimizer): Promise<void> {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(indexPath, 'utf8'));
  } catch (e) {
    throw new FewbeatError(`not valid JSON: ${(e as Error).message}`, { file: indexPath });
  }
  const parsed = optimizerIndexSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new FewbeatError(`${issue?.path.map(String).join('.') || 'file'}: ${issue?.message ?? 'invalid'}`, {
      file: indexPath,
    });
  }
  const index = parsed.data;
  const bytes = readFileSync(binPath);
  if (index.byteLength !== undefined && bytes.length !== index.byteLength)
    throw new FewbeatError(`has ${bytes.length} bytes, its index says ${index.byteLength}: the file is truncated`, {
      file: binPath,
    });
  if (index.sha256 !== undefined && createHash('sha256').update(bytes).digest('hex') !== index.sha256)
    throw new FewbeatError('SHA-256 does not match its index: the file is corrupt', { file: binPath });
  if (bytes.length % 4 !== 0)
    throw new FewbeatError(`has ${bytes.length} bytes, not whole float32 values`, { file: binPath });
  const values = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length));
  for (const e of index.entries) {
    const size = e.shape.reduce((a, b) => a * b, 1);
    if (size !== e.size || e.offset + e.size > values.length)
      throw new FewbeatError(
        `entry ${e.name}: ${e.size} values at ${e.offset} do not fit shape [${e.shape}] in the binary`,
        {
          file: indexPath,
        },
      );
  }
  const named = index.entries.map((e) => ({
    name: e.name,
    tensor: tf.tensor(values.subarray(e.offset, e.offset + e.size), e.shape, 'float32'),
  }));
  try {
    await optimizer.setWeights(named);
  } finally {
    tf.dispose(named.map((w) => w.tensor));
  }
  const powers = adamPowerVariables(optimizer);
  if (powers && index.adamPowers) {
    powers.beta1.assign(tf.scalar(index.adamPowers.beta1));
    powers.beta2.assign(tf.scalar(index.adamPowers.beta2));
  }
}
