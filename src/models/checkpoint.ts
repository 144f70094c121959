import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { z } from 'zod';
import { FewbeatError } from '../errors.js';
import { removeOrphanedTemporaries, writeFileAtomic } from '../util/atomic-write.js';
import { checkContentHash, sha256Hex, withContentHash } from '../util/content-hash.js';
import { FewbeatModel } from './model.js';
import { parseModelConfig } from './presets.js';

/** Name of the file that commits a model directory. */
export const CONFIG_FILE = 'config.json';
const RESERVED_KEYS = ['format', 'version', 'seed', 'model', 'weights', 'weightsIndexSha256', 'sha256'] as const;
const STALE_WEIGHTS = /^weights-[0-9a-f]{16}\.(bin|json)$/;

/** One tensor in the weights index: tfjs's `WeightsManifestEntry` plus its byte range. */
const weightEntrySchema = z.object({
  name: z.string().min(1),
  shape: z.array(z.number().int().nonnegative()),
  dtype: z.literal('float32'),
  offset: z.number().int().nonnegative(),
  byteLength: z.number().int().nonnegative(),
});

/** `weights-<hash>.json`: a tfjs weights manifest (readable by `tf.io.decodeWeights`) over one binary file. */
const weightsIndexSchema = z.object({
  format: z.literal('fewbeat-weights'),
  version: z.literal(1),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  byteLength: z.number().int().nonnegative(),
  weightsManifest: z.tuple([z.object({ paths: z.tuple([z.string()]), weights: z.array(weightEntrySchema) })]),
});

/**
 * The version of config.json this code writes and reads. 2: the few-shot head's calibration
 * (prototype space, temperatures, context gate) is always present and support-set views are gone.
 * 3: config.json carries its own content hash (`sha256`) and the SHA-256 of its weights index.
 */
export const MODEL_FORMAT_VERSION = 3;
const RETRAIN = 'train the model again with fewbeat train (or fewbeat demo)';

const configFileSchema = z.looseObject({
  format: z.literal('fewbeat-model'),
  version: z.literal(MODEL_FORMAT_VERSION),
  seed: z.number().int(),
  model: z.unknown(),
  /** The weights index this configuration goes with, and the SHA-256 of that file's bytes. */
  weights: z.string().regex(/^weights-[0-9a-f]{16}\.json$/),
  weightsIndexSha256: z.string().regex(/^[0-9a-f]{64}$/),
  /** SHA-256 of the canonical JSON of this file without this field (src/util/content-hash.ts). */
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
});

/** What {@link loadModel} returns. */
export interface LoadedModel {
  model: FewbeatModel;
  /** The other top-level fields of config.json (preprocessing, lead set, clinical schema, classes, …). */
  extra: Record<string, unknown>;
}

/**
 * Save `model` into directory `dir`:
 *
 *     weights-<h>.bin    every parameter (trainable and BatchNorm statistics) as little-endian float32, concatenated
 *     weights-<h>.json   the index: a tfjs weights manifest [{ paths, weights: [{ name, shape, dtype, offset,
 *         byteLength }] }] + sha256
 *     config.json        { format: "fewbeat-model", version: 3, seed, model: <ModelConfig>, weights:
 *         "weights-<h>.json", weightsIndexSha256, ...extra, sha256 }
 *
 * `weightsIndexSha256` is the SHA-256 of the index file's bytes and `sha256` that of config.json's
 * own canonical JSON without it (src/util/content-hash.ts), so every byte of the directory is checked on load.
 *
 * `<h>` is the first 16 hex digits of the binary's SHA-256. Every file is written atomically
 * and config.json last, so it is the commit: a run killed at any point leaves a directory that
 * loads either the previous model or the new one. Weight files no longer referenced are removed, and so
 * are temporary files that killed writers left behind.
 *
 * @param extra fields added to config.json (they may not be named format, version, seed, model, weights,
 *     weightsIndexSha256 or sha256).
 */
export function saveModel(dir: string, model: FewbeatModel, extra: Record<string, unknown> = {}): void {
  const clash = RESERVED_KEYS.filter((k) => k in extra);
  if (clash.length > 0) throw new FewbeatError(`saveModel: extra fields may not be named ${clash.join(', ')}`);

  const weights = [...model.getWeights()];
  const byteLength = weights.reduce((n, [, t]) => n + 4 * t.size, 0);
  const bytes = new Uint8Array(byteLength);
  const entries: z.infer<typeof weightEntrySchema>[] = [];
  let offset = 0;
  for (const [name, tensor] of weights) {
    const values = tensor.dataSync() as Float32Array;
    bytes.set(new Uint8Array(values.buffer, values.byteOffset, values.byteLength), offset);
    entries.push({ name, shape: [...tensor.shape], dtype: 'float32', offset, byteLength: values.byteLength });
    offset += values.byteLength;
  }
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const stem = `weights-${sha256.slice(0, 16)}`;
  const index: z.infer<typeof weightsIndexSchema> = {
    format: 'fewbeat-weights',
    version: 1,
    sha256,
    byteLength,
    weightsManifest: [{ paths: [`${stem}.bin`], weights: entries }],
  };
  writeFileAtomic(join(dir, `${stem}.bin`), bytes);
  const indexText = `${JSON.stringify(index, null, 1)}\n`;
  writeFileAtomic(join(dir, `${stem}.json`), indexText);
  const config = withContentHash({
    format: 'fewbeat-model',
    version: MODEL_FORMAT_VERSION,
    seed: model.seed,
    model: model.config,
    weights: `${stem}.json`,
    weightsIndexSha256: sha256Hex(indexText),
    ...extra,
  });
  writeFileAtomic(join(dir, CONFIG_FILE), `${JSON.stringify(config, null, 2)}\n`);
  for (const file of readdirSync(dir)) {
    if (STALE_WEIGHTS.test(file) && !file.startsWith(`${stem}.`)) rmSync(join(dir, file), { force: true });
  }
  removeOrphanedTemporaries(dir);
}

function readJson(file: string): unknown {
  if (!existsSync(file)) throw new FewbeatError('file not found', { file });
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new FewbeatError(`not valid JSON: ${(e as Error).message}`, { file });
  }
}

function parseOrThrow<T>(schema: z.ZodType<T>, value: unknown, file: string): T {
  const result = schema.safeParse(value);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new FewbeatError(`${issue?.path.map(String).join('.') || 'file'}: ${issue?.message ?? 'invalid'}`, { file });
  }
  return result.data;
}

/**
 * Load a model saved by {@link saveModel}. Every inconsistency (missing file, bad JSON, wrong
 * field, a binary whose size or SHA-256 does not match its index, weights that do not fit the
 * configured architecture) is a FewbeatError naming the file.
 */
export function loadModel(dir: string): LoadedModel {
  const configPath = join(dir, CONFIG_FILE);
  const json = readJson(configPath);
  const version = (json as { format?: unknown; version?: unknown } | null)?.version;
  if ((json as { format?: unknown } | null)?.format === 'fewbeat-model' && version !== MODEL_FORMAT_VERSION)
    throw new FewbeatError(
      `model format version ${JSON.stringify(version)}, this fewbeat reads version ${MODEL_FORMAT_VERSION}: ${RETRAIN}`,
      { file: configPath },
    );
  if ((json as { format?: unknown } | null)?.format === 'fewbeat-model')
    checkContentHash(json, configPath, `restore the model directory from a copy or ${RETRAIN}`);
  const config = parseOrThrow(configFileSchema, json, configPath);
  const modelConfig = parseModelConfig(config.model, configPath);
  const indexPath = join(dir, config.weights);
  const indexJson = readJson(indexPath);
  if (sha256Hex(readFileSync(indexPath)) !== config.weightsIndexSha256)
    throw new FewbeatError('SHA-256 does not match the one config.json records: the file was changed or is corrupt', {
      file: indexPath,
    });
  const index = parseOrThrow(weightsIndexSchema, indexJson, indexPath);
  const group = index.weightsManifest[0];
  const binPath = join(dir, group.paths[0]);
  if (!existsSync(binPath)) throw new FewbeatError('file not found', { file: binPath });
  const bytes = readFileSync(binPath);
  if (bytes.length !== index.byteLength) {
    throw new FewbeatError(`has ${bytes.length} bytes, ${config.weights} says ${index.byteLength}`, { file: binPath });
  }
  if (createHash('sha256').update(bytes).digest('hex') !== index.sha256) {
    throw new FewbeatError(`SHA-256 does not match ${config.weights}: the file is corrupt`, { file: binPath });
  }
  const aligned = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length));
  const weights = new Map<string, tf.Tensor>();
  try {
    for (const entry of group.weights) {
      const size = entry.shape.reduce((a, b) => a * b, 1);
      if (
        entry.byteLength !== 4 * size ||
        entry.offset % 4 !== 0 ||
        entry.offset + entry.byteLength > index.byteLength
      ) {
        throw new FewbeatError(
          `weight ${entry.name}: byte range ` +
            `${entry.offset}+${entry.byteLength} does not fit shape ` +
            `[${entry.shape.join(',')}] in the binary`,
          { file: indexPath },
        );
      }
      weights.set(
        entry.name,
        tf.tensor(aligned.subarray(entry.offset / 4, entry.offset / 4 + size), entry.shape, 'float32'),
      );
    }
    const model = new FewbeatModel(modelConfig, config.seed);
    try {
      model.setWeights(weights, indexPath);
    } catch (e) {
      model.dispose();
      throw e;
    }
    const extra = Object.fromEntries(
      Object.entries(config).filter(([k]) => !(RESERVED_KEYS as readonly string[]).includes(k)),
    );
    return { model, extra };
  } finally {
    tf.dispose([...weights.values()]);
  }
}
