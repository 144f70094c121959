import { join, resolve } from 'node:path';
import { MEASUREMENT_FEATURES } from '../data/measurements.js';
import { FewbeatError } from '../errors.js';
import { modelConfigSha256, type TrainedModelDir } from '../model-dir/model-dir.js';
import type { ArchiveUnit } from './archive-units.js';
import { embedUnits, type EmbedUnitsResult } from './embed-units.js';
import { IndexEmbedder } from './index-embedder.js';
import {
  committedShards,
  INDEX_FORMAT,
  INDEX_VERSION,
  readAllEntries,
  readIndexHeader,
  writeIndexHeader,
  writeShard,
  type IndexHeader,
} from './index-format.js';
import { finishReembedding, indexTarget, type Reembedding, type ReembedOptions } from './index-generations.js';
import { IndexLedger } from './index-ledger.js';
import { withIndexLock, type IndexLockOptions } from './index-lock.js';

/** Options of {@link buildIndex}. */
export interface BuildIndexOptions extends ReembedOptions {
  /** Window length for long recordings, seconds. @default 10 */
  windowSeconds?: number;
  /** Windows per shard (a shard is committed at the end of the record that fills it). @default 512 */
  shardWindows?: number;
  /**
   * Worker threads decoding (read, preprocess, measure) while this thread embeds; 0 = all in this thread. @default 0
   */
  threads?: number;
  /**
   * What embeds: `onnx`, the model exported in memory and run on ONNX Runtime in batches
   * ({@link IndexEmbedder}, the fast path); `tfjs`, the tfjs model as `enroll` runs it. @default 'onnx'
   */
  engine?: 'onnx' | 'tfjs';
  /**
   * Which windows are measured (QRS detection, intervals, atrial activity: most of the CPU of
   * indexing): `needed`, only when the model's prototype space holds the measurements (else they
   * are stored as not measured, null); `all`, always (for the measurements search shows beside each hit).
   * @default 'needed'
   */
  measurements?: 'needed' | 'all';
  /** Called after each unit: units done (this run), units to do (this run), windows embedded so far. */
  onProgress?: (done: number, total: number, windows: number) => void;
  /** The index folder's lock ({@link withIndexLock}). */
  lock?: IndexLockOptions;
}

/** What one `buildIndex` run did. */
export interface BuildIndexResult extends EmbedUnitsResult {
  units: number;
  shardsWritten: number;
  seconds: number;
  /** When the run re-embedded the index for another model: how far, and whether it switched. */
  reembedding: Reembedding | null;
}

/**
 * The header an index built with `trained` has (`dim` D and `clinicalDim` F as `embedder` embeds),
 * written when `dir` holds no index yet; an existing index built with another model or window
 * length is refused in one line.
 */
export function openIndexHeader(dir: string, embedder: IndexEmbedder, windowSeconds: number): IndexHeader {
  const configSha256 = modelConfigSha256(embedder.trained.dir);
  const header = readIndexHeader(dir);
  if (header) {
    if (header.model.configSha256 !== configSha256)
      throw new FewbeatError(
        `the index was built with another model (${header.model.dir}); index ` +
          `into a new folder, or remove this one to re-embed`,
        { file: join(dir, 'index.json') },
      );
    if (header.windowSeconds !== windowSeconds)
      throw new FewbeatError(`the index cuts ${header.windowSeconds}-second windows, not ${windowSeconds}`, {
        file: join(dir, 'index.json'),
      });
    return header;
  }
  const created: IndexHeader = {
    format: INDEX_FORMAT,
    version: INDEX_VERSION,
    model: { dir: resolve(embedder.trained.dir), configSha256 },
    dim: embedder.dim,
    clinicalDim: embedder.clinicalDim,
    measurementFeatures: [...MEASUREMENT_FEATURES],
    windowSeconds,
  };
  writeIndexHeader(dir, created);
  return created;
}

/**
 * Embed an archive's units into the index at `dir` (created, or continued; with `reembed`, for another
 * model than the index's, beside it, switched to once complete: src/archive/index-generations.ts) on this machine
 * ({@link embedUnits}: each unit's files hashed first, a unit whose key is already in a committed
 * shard not read again; windows decoded on `threads` worker threads and embedded as `fewbeat enroll`
 * does, on ONNX Runtime in batches by default, equal to `modelVectors` up to float rounding), a
 * shard committed every `shardWindows` windows. A record that cannot be read is recorded as skipped
 * with its reason. The index folder's lock is held throughout ({@link withIndexLock}).
 */
export async function buildIndex(
  dir: string,
  units: readonly ArchiveUnit[],
  trained: TrainedModelDir,
  options: BuildIndexOptions = {},
): Promise<BuildIndexResult> {
  const t0 = performance.now();
  const windowSeconds = options.windowSeconds ?? 10;
  return withIndexLock(
    dir,
    async (check) => {
      const embedder = await IndexEmbedder.create(trained, {
        engine: options.engine ?? 'onnx',
        threads: options.threads ?? 0,
      });
      try {
        const target = indexTarget(dir, modelConfigSha256(trained.dir), options.reembed ?? false);
        const header = openIndexHeader(target.dir, embedder, windowSeconds);
        const ledger = new IndexLedger(readAllEntries(target.dir));
        let nextShard = (committedShards(target.dir).at(-1) ?? 0) + 1;
        let shardsWritten = 0;
        const done = await embedUnits(units, embedder, ledger, {
          windowSeconds,
          shardWindows: options.shardWindows ?? 512,
          measurements: options.measurements ?? 'needed',
          onShard: (rows, entries) => {
            check();
            writeShard(target.dir, nextShard++, header, rows, entries);
            shardsWritten++;
          },
          ...(options.onProgress ? { onProgress: options.onProgress } : {}),
        });
        const reembedding = finishReembedding(dir, target, { force: options.switchIncomplete ?? false, check });
        return {
          units: units.length,
          ...done,
          shardsWritten,
          seconds: (performance.now() - t0) / 1000,
          reembedding,
        };
      } finally {
        await embedder.close();
      }
    },
    options.lock,
  );
}
