import type { BatchSource } from '../data/batch.js';
import { isFewbeatError } from '../errors.js';
import { FolderListings, recordSha256, unitKey, type ArchiveUnit } from './archive-units.js';
import type { DecodeResult } from './decode-window.js';
import { EMBED_BATCH, type IndexEmbedder } from './index-embedder.js';
import type { IndexLedger } from './index-ledger.js';
import type { IndexEntry, WindowEntry } from './index-format.js';

/** Options of {@link embedUnits}. */
export interface EmbedUnitsOptions {
  /** Window length for long recordings, seconds. */
  windowSeconds: number;
  /** Windows per shard, handed to `onShard` at the end of the unit that fills it (Infinity: one shard at the end). */
  shardWindows: number;
  /** `needed`: measure only when the model's prototype space holds the measurements; `all`: always. */
  measurements: 'needed' | 'all';
  /** Receives each shard: [windows, D + F] float32 rows and its entries (window entries numbered 0..windows−1). */
  onShard: (rows: Float32Array, entries: IndexEntry[]) => void | Promise<void>;
  /** Called after each unit: units done, units in all, windows embedded so far. */
  onProgress?: (done: number, total: number, windows: number) => void;
}

/** What {@link embedUnits} did with its units. */
export interface EmbedUnitsResult {
  /** Units found already in the index (same content hash, same record): not read again. */
  alreadyIndexed: number;
  /** Windows embedded. */
  embedded: number;
  skipped: Array<{ record: string; reason: string }>;
  duplicates: number;
}

type Step =
  | { unit: ArchiveUnit; kind: 'already' }
  | { unit: ArchiveUnit; kind: 'duplicate'; key: string; of: string }
  | { unit: ArchiveUnit; kind: 'decoded'; key: string; sha: string; result: DecodeResult };

/**
 * Embed archive units in order, the one path of `fewbeat index` (local) and `fewbeat worker`: each
 * unit's files are hashed (in this thread) and looked up in `ledger`; a unit already there is not
 * read again, the same content under another path becomes a `duplicate` entry; a new unit is
 * decoded ahead on the embedder's threads (read, cut into windows, `preprocessEcg`,
 * `measureRecording` with the child's age and sex), its windows embedded in batches of
 * {@link EMBED_BATCH}, and every `shardWindows` windows the rows and entries go to `onShard`. A
 * record that cannot be read becomes a `skipped` entry with its reason (without a key when the
 * decode worker failed rather than the file, so that a later run tries it again).
 */
export async function embedUnits(
  units: readonly ArchiveUnit[],
  embedder: IndexEmbedder,
  ledger: IndexLedger,
  options: EmbedUnitsOptions,
): Promise<EmbedUnitsResult> {
  const { trained } = embedder;
  const { windowSeconds, shardWindows } = options;
  const result: EmbedUnitsResult = { alreadyIndexed: 0, embedded: 0, skipped: [], duplicates: 0 };
  let pendingEntries: IndexEntry[] = [];
  let pendingItems: BatchSource[] = [];
  let shardWindowCount = 0;
  // Embedded rows of the shard being filled, in chunks of at most EMBED_BATCH windows.
  let shardRows: Float32Array[] = [];
  const embedPending = async (): Promise<void> => {
    if (pendingItems.length === 0) return;
    shardRows.push(await embedder.rows(pendingItems));
    result.embedded += pendingItems.length;
    pendingItems = [];
  };
  const flush = async (): Promise<void> => {
    await embedPending();
    if (pendingEntries.length === 0) return;
    const rows = new Float32Array(shardRows.reduce((n, r) => n + r.length, 0));
    let at = 0;
    for (const r of shardRows) {
      rows.set(r, at);
      at += r.length;
    }
    await options.onShard(rows, pendingEntries);
    pendingEntries = [];
    shardWindowCount = 0;
    shardRows = [];
  };

  const listings = new FolderListings();
  const measure = options.measurements === 'all' || trained.space.kind === 'ecg+measurements';
  // Hash and look up each unit in order (in this thread); decode `ahead` units ahead.
  const prepare = (unit: ArchiveUnit): Promise<Step> => {
    let sha: string;
    try {
      sha = recordSha256(unit.recordPath, listings);
    } catch (e) {
      const reason = isFewbeatError(e) ? e.message : `${unit.recordPath}: ${(e as Error).message.split('\n')[0]}`;
      return Promise.resolve({ unit, kind: 'decoded', key: '', sha: '', result: { ok: false, reason } });
    }
    const key = unitKey(sha, unit.window);
    const verdict = ledger.classify(key, unit.recordPath);
    if (verdict === 'already') return Promise.resolve({ unit, kind: 'already' });
    if (verdict !== 'new') return Promise.resolve({ unit, kind: 'duplicate', key, of: verdict.of });
    const { recordPath, window, ageYears, sex } = unit;
    return embedder
      .decode({ recordPath, window, ageYears, sex, spec: trained.spec, windowSeconds, measure })
      .then((result) => ({ unit, kind: 'decoded', key, sha, result }));
  };
  // A few records decoded ahead per worker: enough to keep them busy, bounded memory for long recordings.
  const ahead = embedder.threads > 0 ? 4 * embedder.threads : 1;
  const queue: Array<Promise<Step>> = [];
  let started = 0;
  const fill = (): void => {
    while (queue.length < ahead && started < units.length) queue.push(prepare(units[started++] as ArchiveUnit));
  };
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
          row: shardWindowCount++,
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
      }
    }
    // Embed in small batches so the workers, kept a few records ahead, decode on meanwhile.
    if (pendingItems.length >= EMBED_BATCH) {
      fill();
      await embedPending();
    }
    if (shardWindowCount >= shardWindows) await flush();
    options.onProgress?.(u + 1, units.length, result.embedded + pendingItems.length);
    // Let a progress display redraw (and a queue worker renew its job's lock).
    await new Promise((r) => setImmediate(r));
  }
  await flush();
  return result;
}
