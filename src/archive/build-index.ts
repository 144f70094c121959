import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { BatchSource } from '../data/batch.js';
import { MEASUREMENT_FEATURES } from '../data/measurements.js';
import { FewbeatError, isFewbeatError } from '../errors.js';
import type { TrainedModelDir } from '../model-dir/model-dir.js';
import { modelVectors } from '../model-dir/model-vectors.js';
import { OnnxModelVectors } from '../model-dir/onnx-model-vectors.js';
import type { PoolVectors } from '../fewshot/classify-episode.js';
import { FolderListings, recordSha256, unitKey, type ArchiveUnit } from './archive-units.js';
import { DecodePool } from './decode-pool.js';
import type { DecodeResult } from './decode-window.js';
import {
  committedShards,
  INDEX_FORMAT,
  INDEX_VERSION,
  readAllEntries,
  readIndexHeader,
  writeIndexHeader,
  writeShard,
  type IndexEntry,
  type IndexHeader,
  type WindowEntry,
} from './index-format.js';

/** Windows embedded per model call while a shard fills (one ONNX Runtime batch). */
const EMBED_BATCH = 128;

/** Options of {@link buildIndex}. */
export interface BuildIndexOptions {
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
   * ({@link OnnxModelVectors}, the fast path); `tfjs`, the tfjs model as `enroll` runs it. @default 'onnx'
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
}

/** What one `buildIndex` run did. */
export interface BuildIndexResult {
  units: number;
  /** Units found already in the index (same content hash): not read again. */
  alreadyIndexed: number;
  /** Windows embedded by this run. */
  embedded: number;
  skipped: Array<{ record: string; reason: string }>;
  duplicates: number;
  shardsWritten: number;
  seconds: number;
}

/** SHA-256 of a model directory's config.json (which names its weights): the model's identity. */
export function modelConfigSha256(modelDir: string): string {
  return createHash('sha256')
    .update(readFileSync(join(modelDir, 'config.json')))
    .digest('hex');
}

/**
 * Embed an archive's units into the index at `dir` (created, or continued): each unit's files are
 * hashed first, and a unit whose key is already in a committed shard is not read again; each
 * recording is cut into windows ({@link recordingWindows}), each window preprocessed, measured and
 * embedded as `fewbeat enroll` does (`preprocessEcg`, `measureRecording` with the child's age and
 * sex when the prototype space needs it, the model into its prototype space: on ONNX Runtime in
 * batches by default, {@link OnnxModelVectors}, equal to `modelVectors` up to float rounding), and
 * every `shardWindows` windows a shard is committed. A record that cannot be read is recorded as
 * skipped with its reason.
 */
export async function buildIndex(
  dir: string,
  units: readonly ArchiveUnit[],
  trained: TrainedModelDir,
  options: BuildIndexOptions = {},
): Promise<BuildIndexResult> {
  const t0 = performance.now();
  const windowSeconds = options.windowSeconds ?? 10;
  const shardWindows = options.shardWindows ?? 512;
  const configSha256 = modelConfigSha256(trained.dir);
  const clinicalDim = trained.head.contextGate ? trained.encoder.size : 0;
  const wanted: IndexHeader = {
    format: INDEX_FORMAT,
    version: INDEX_VERSION,
    model: { dir: resolve(trained.dir), configSha256 },
    dim: 0,
    clinicalDim,
    measurementFeatures: [...MEASUREMENT_FEATURES],
    windowSeconds,
  };
  let header: IndexHeader | null = readIndexHeader(dir);
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
  }
  // Key -> the record first indexed under it; and every (key, record) pair already in the index.
  const done = new Map<string, string>();
  const seenPairs = new Set<string>();
  for (const e of readAllEntries(dir)) {
    if (e.key === null) continue;
    if (!done.has(e.key)) done.set(e.key, e.record);
    seenPairs.add(`${e.key}\0${e.record}`);
  }
  let nextShard = (committedShards(dir).at(-1) ?? 0) + 1;

  const result: BuildIndexResult = {
    units: units.length,
    alreadyIndexed: 0,
    embedded: 0,
    skipped: [],
    duplicates: 0,
    shardsWritten: 0,
    seconds: 0,
  };
  let pendingEntries: IndexEntry[] = [];
  let pendingItems: BatchSource[] = [];
  let pendingWindows: WindowEntry[] = [];

  // Embedded rows of the shard being filled, in chunks of at most EMBED_BATCH windows.
  let shardRows: Float32Array[] = [];
  const ensureHeader = (dim: number): IndexHeader => {
    if (!header) {
      header = { ...wanted, dim };
      writeIndexHeader(dir, header);
    }
    return header;
  };
  const engine = options.engine ?? 'onnx';
  const onnx = engine === 'onnx' ? await OnnxModelVectors.create(trained, { batchSize: EMBED_BATCH }) : null;
  const embed = (items: readonly BatchSource[]): Promise<PoolVectors> =>
    onnx ? onnx.vectors(items) : Promise.resolve(modelVectors(trained, items));
  const embedPending = async (): Promise<void> => {
    if (pendingItems.length === 0) return;
    const vectors = await embed(pendingItems);
    const h = ensureHeader(vectors.vectors[0]?.length ?? 0);
    const stride = h.dim + h.clinicalDim;
    const rows = new Float32Array(pendingItems.length * stride);
    pendingItems.forEach((_, i) => {
      rows.set(vectors.vectors[i] as Float32Array, i * stride);
      if (h.clinicalDim > 0) rows.set(vectors.clinical?.[i] as Float32Array, i * stride + h.dim);
    });
    shardRows.push(rows);
    result.embedded += pendingItems.length;
    pendingItems = [];
  };
  const flush = async (): Promise<void> => {
    await embedPending();
    if (pendingEntries.length === 0) return;
    // Only skipped records so far: the header waits for the first embedding (its dimension).
    const h = header ?? ensureHeader((await embed([blankItem(trained)])).vectors[0]?.length ?? 0);
    const rows = new Float32Array(shardRows.reduce((n, r) => n + r.length, 0));
    let at = 0;
    for (const r of shardRows) {
      rows.set(r, at);
      at += r.length;
    }
    writeShard(dir, nextShard++, h, rows, pendingEntries);
    result.shardsWritten++;
    pendingEntries = [];
    pendingWindows = [];
    shardRows = [];
  };

  type Step =
    | { unit: ArchiveUnit; kind: 'already' }
    | { unit: ArchiveUnit; kind: 'duplicate'; key: string; of: string }
    | { unit: ArchiveUnit; kind: 'decoded'; key: string; sha: string; result: DecodeResult };
  // Hash and look up each unit in order (in this thread); decode on the pool, `ahead` units ahead.
  const prepare = (unit: ArchiveUnit): Promise<Step> => {
    let sha: string;
    try {
      sha = recordSha256(unit.recordPath, listings);
    } catch (e) {
      const reason = isFewbeatError(e) ? e.message : `${unit.recordPath}: ${(e as Error).message.split('\n')[0]}`;
      return Promise.resolve({ unit, kind: 'decoded', key: '', sha: '', result: { ok: false, reason } });
    }
    const key = unitKey(sha, unit.window);
    const pair = `${key}\0${unit.recordPath}`;
    const seen = done.get(key);
    if (seen !== undefined) {
      if (seenPairs.has(pair)) return Promise.resolve({ unit, kind: 'already' });
      seenPairs.add(pair);
      return Promise.resolve({ unit, kind: 'duplicate', key, of: seen });
    }
    done.set(key, unit.recordPath);
    seenPairs.add(pair);
    const { recordPath, window, ageYears, sex } = unit;
    return pool
      .decode({ recordPath, window, ageYears, sex, spec: trained.spec, windowSeconds, measure })
      .then((result) => ({ unit, kind: 'decoded', key, sha, result }));
  };
  const listings = new FolderListings();
  const measure = options.measurements === 'all' || trained.space.kind === 'ecg+measurements';
  const threads = options.threads ?? 0;
  const pool = await DecodePool.create(threads);
  // A few records decoded ahead per worker: enough to keep them busy, bounded memory for long recordings.
  const ahead = threads > 0 ? 4 * threads : 1;
  const queue: Array<Promise<Step>> = [];
  let started = 0;
  const fill = (): void => {
    while (queue.length < ahead && started < units.length) queue.push(prepare(units[started++] as ArchiveUnit));
  };
  try {
    for (let u = 0; u < units.length; u++) {
      fill();
      const step = (await queue.shift()) as Step;
      const unit = step.unit;
      if (step.kind === 'already') result.alreadyIndexed++;
      else if (step.kind === 'duplicate') {
        result.duplicates++;
        pendingEntries.push({ kind: 'duplicate', record: unit.recordPath, key: step.key, of: step.of });
      } else if (!step.result.ok) {
        result.skipped.push({ record: unit.recordPath, reason: step.result.reason });
        // A failed worker is not the file's fault: no key, so the next run tries the record again.
        const key = step.result.retry ? null : step.key || null;
        pendingEntries.push({ kind: 'skipped', record: unit.recordPath, key, reason: step.result.reason });
      } else {
        for (const w of step.result.windows) {
          const entry: WindowEntry = {
            kind: 'window',
            row: pendingWindows.length,
            record: unit.recordPath,
            sha256: step.sha,
            window: w.window,
            key: step.key,
            patientId: unit.patientId,
            labels: unit.labels,
            ageYears: unit.ageYears,
            sex: unit.sex,
            context: unit.context,
            measurements: [...w.measurements],
          };
          pendingItems.push({
            signal: w.signal,
            mask: w.mask,
            ageYears: unit.ageYears,
            sex: unit.sex,
            clinical: unit.clinical,
            measurements: w.measurements,
          });
          pendingEntries.push(entry);
          pendingWindows.push(entry);
        }
      }
      // Embed in small batches so the workers, kept a few records ahead, decode on meanwhile.
      if (pendingItems.length >= EMBED_BATCH) {
        fill();
        await embedPending();
      }
      if (pendingWindows.length >= shardWindows) await flush();
      options.onProgress?.(u + 1, units.length, result.embedded + pendingItems.length);
      // Let a progress display redraw.
      await new Promise((r) => setImmediate(r));
    }
    await flush();
  } finally {
    await pool.close();
    await onnx?.dispose();
  }
  result.seconds = (performance.now() - t0) / 1000;
  return result;
}

/** One blank recording (zeros, every lead present): embedding it gives a model's prototype-space dimension. */
function blankItem(trained: TrainedModelDir): BatchSource {
  const L = trained.spec.leads.length;
  return {
    signal: new Float32Array(trained.spec.samples * L),
    mask: new Float32Array(L).fill(1),
    ageYears: null,
    sex: null,
    clinical: {},
  };
}
