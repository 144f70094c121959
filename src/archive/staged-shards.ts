import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { FewbeatError } from '../errors.js';
import {
  committedShards,
  readAllEntries,
  readIndexHeader,
  readShardFiles,
  readShardMatrix,
  writeShard,
  writeShardFiles,
  type IndexEntry,
  type IndexHeader,
} from './index-format.js';
import { IndexLedger, type LedgerVerdict } from './index-ledger.js';

/**
 * Shards staged by queue workers, waiting to be merged into an index:
 *
 *     INDEX/staging/<job id>.<attempt token>.f32 / .jsonl
 *
 * in the format of the index's own shards (matrix first, then the sealed entries, each written
 * atomically: the .jsonl commits). Each delivery of a job writes its own pair (a fresh token), so a
 * job delivered twice, or re-delivered while a stalled worker still runs, never mixes the files of
 * two attempts; a pair without its .jsonl (a worker killed mid-write) is ignored. The merge keeps
 * one embedding per unit key ({@link IndexLedger}), so extra deliveries leave nothing twice.
 */
export const STAGING_DIR = 'staging';

/** The base path (without extension) of a staged shard of job `jobId`, written by one attempt `token`. */
function stagedShardBase(dir: string, jobId: string, token: string): string {
  return join(dir, STAGING_DIR, `${jobId}.${token}`);
}

/** Stage one job's result: its rows and entries as a shard pair under `INDEX/staging/`. */
export function writeStagedShard(
  dir: string,
  jobId: string,
  token: string,
  header: IndexHeader,
  rows: Float32Array,
  entries: readonly IndexEntry[],
): void {
  writeShardFiles(stagedShardBase(dir, jobId, token), header, rows, entries);
}

/** The committed staged shards of job `jobId` (base paths, sorted). */
function stagedShardsOf(dir: string, jobId: string, names: readonly string[]): string[] {
  const prefix = `${jobId}.`;
  return names
    .filter((n) => n.startsWith(prefix) && n.endsWith('.jsonl') && !n.slice(prefix.length, -6).includes('.'))
    .map((n) => join(dir, STAGING_DIR, n.slice(0, -6)));
}

/** What {@link mergeStagedShards} added to the index. */
export interface MergeResult {
  /** Windows added (each unit key's rows once). */
  windows: number;
  /** Units recorded as copies of a unit indexed before (same content, another path). */
  duplicates: number;
  /** Records that could not be read, with their reason. */
  skipped: Array<{ record: string; reason: string }>;
  /** Entries dropped because the index already held them (a re-delivered job, a merge run again). */
  dropped: number;
  shardsWritten: number;
}

/**
 * Merge the staged shards of `jobIds` (in that order, the order of the archive's units) into the
 * index at `dir` as committed shards of about `shardWindows` windows, then remove the staging
 * folder. Every entry goes through the index's {@link IndexLedger}: a unit key already in the index
 * is dropped, the same content under another path becomes a `duplicate` entry, so the result equals
 * a local run over the same units whatever the deliveries were. Killed half-way, a merge run again
 * drops what the first committed and adds the rest.
 */
export function mergeStagedShards(dir: string, jobIds: readonly string[], shardWindows: number): MergeResult {
  const header = readIndexHeader(dir);
  if (!header) throw new FewbeatError('no index.json: the index was not started', { file: dir });
  const stride = header.dim + header.clinicalDim;
  const staging = join(dir, STAGING_DIR);
  const names = existsSync(staging) ? readdirSync(staging).sort() : [];
  const ledger = new IndexLedger(readAllEntries(dir));
  let next = (committedShards(dir).at(-1) ?? 0) + 1;
  const result: MergeResult = { windows: 0, duplicates: 0, skipped: [], dropped: 0, shardsWritten: 0 };
  let entries: IndexEntry[] = [];
  let rows: Float32Array[] = [];
  const retried = new Set<string>();
  const flush = (): void => {
    if (entries.length === 0) return;
    const matrix = new Float32Array(rows.length * stride);
    rows.forEach((r, i) => matrix.set(r, i * stride));
    writeShard(dir, next++, header, matrix, entries);
    result.shardsWritten++;
    entries = [];
    rows = [];
  };
  for (const jobId of jobIds) {
    for (const base of stagedShardsOf(dir, jobId, names)) {
      const staged = readShardFiles(base);
      const count = staged.entries.filter((e) => e.kind === 'window').length;
      const matrix = readShardMatrix(base, count, stride, staged.f32Sha256);
      // Every window of a unit shares the unit's verdict, taken at its first entry in this staged shard.
      const verdicts = new Map<string, LedgerVerdict>();
      for (const e of staged.entries) {
        if (e.kind === 'skipped' && e.key === null) {
          // A record whose decode worker failed: kept (once) without a key, so that a later run retries it.
          if (!retried.has(e.record)) {
            entries.push(e);
            result.skipped.push({ record: e.record, reason: e.reason });
          }
          retried.add(e.record);
          continue;
        }
        // Only a skipped entry may lack a key (handled above).
        const key = e.key as string;
        const pair = `${key}\0${e.record}`;
        const verdict = verdicts.get(pair) ?? ledger.classify(key, e.record);
        if (verdict === 'already') {
          result.dropped++;
          continue;
        }
        if (verdict === 'new') {
          verdicts.set(pair, verdict);
          if (e.kind === 'window') {
            entries.push({ ...e, row: rows.length });
            rows.push(matrix.subarray(e.row * stride, (e.row + 1) * stride));
            result.windows++;
          } else {
            entries.push(e);
            if (e.kind === 'skipped') result.skipped.push({ record: e.record, reason: e.reason });
          }
          continue;
        }
        // The same content as a unit indexed before under another path: one duplicate entry for the unit.
        verdicts.set(pair, 'already');
        entries.push({ kind: 'duplicate', record: e.record, key, of: verdict.of });
        result.duplicates++;
      }
      if (rows.length >= shardWindows) flush();
    }
  }
  flush();
  rmSync(staging, { recursive: true, force: true });
  return result;
}
