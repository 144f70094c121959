import { existsSync, rmSync } from 'node:fs';
import { basename, join } from 'node:path';
import { FewbeatError } from '../errors.js';
import {
  activeIndexDir,
  readAllEntries,
  readIndexHeader,
  SHARDS_DIR,
  writeIndexHeader,
  type IndexHeader,
} from './index-format.js';
import { STAGING_DIR } from './staged-shards.js';

/**
 * Re-embedding an index for a new model version while it stays searchable. A run of `fewbeat index`
 * with another model than the index's writes into the new model's generation folder,
 * `INDEX/gen-<first 12 hex of its config SHA-256>/` (an index folder of its own, resumable as any
 * index), and searches keep reading the current generation meanwhile. Once the new generation holds
 * every recording of the current one (by content key), it becomes the index's: `INDEX/index.json`
 * is replaced in one atomic rename by the new header naming its folder (`generation`), then the
 * previous generation's files are removed. A reader sees either the old header and shards or the new
 * ones (a load that raced with the switch is done again: `loadIndex`).
 */

/** The generation folder name of the model whose config.json has SHA-256 `configSha256`. */
export function generationName(configSha256: string): string {
  return `gen-${configSha256.slice(0, 12)}`;
}

/** Where one index run writes, in the index folder it was given. */
export interface IndexTarget {
  /** The index folder that receives this run's shards (the current generation, or the new model's). */
  dir: string;
  /** When the run re-embeds for a new model: the folder of the generation it is to replace. */
  replacing: string | null;
}

/**
 * The target of a run with the model of config SHA-256 `configSha256` on the index at `dir`: its
 * current generation when that model embedded it (or when there is no index yet), else the model's
 * own generation folder. Files of a generation replaced by a switch cut short are removed first. Call
 * it with the index lock held.
 */
export function indexTarget(dir: string, configSha256: string): IndexTarget {
  const header = readIndexHeader(dir);
  if (!header) return { dir, replacing: null };
  if (header.generation !== undefined) removeShardsOf(dir);
  const current = activeIndexDir(dir, header);
  if (header.model.configSha256 === configSha256) return { dir: current, replacing: null };
  return { dir: join(dir, generationName(configSha256)), replacing: current };
}

/** How far a re-embedding has come. */
export interface Reembedding {
  /** Recordings (content keys) of the generation being replaced. */
  recordings: number;
  /** Of those, the ones the new generation holds. */
  reembedded: number;
  /** Whether the new generation is now the index's (and the previous one was removed). */
  switched: boolean;
}

/** The content keys an index folder's committed entries name. */
function keysOf(dir: string): Set<string> {
  const keys = new Set<string>();
  for (const e of readAllEntries(dir)) if (e.key !== null) keys.add(e.key);
  return keys;
}

/**
 * After a run into `target`: when it re-embeds and the new generation holds every recording of the
 * one it replaces, switch the index at `dir` to it and remove the previous generation; null when the
 * run did not re-embed. Call it with the index lock held.
 */
export function finishReembedding(dir: string, target: IndexTarget): Reembedding | null {
  if (target.replacing === null) return null;
  const held = keysOf(target.dir);
  const needed = keysOf(target.replacing);
  let reembedded = 0;
  for (const key of needed) if (held.has(key)) reembedded++;
  if (reembedded < needed.size) return { recordings: needed.size, reembedded, switched: false };
  const header = readIndexHeader(target.dir);
  if (!header) throw new FewbeatError('no index.json: the new generation was not started', { file: target.dir });
  const switched: IndexHeader = { ...header, generation: basename(target.dir) };
  writeIndexHeader(dir, switched);
  if (target.replacing === dir) removeShardsOf(dir);
  else rmSync(target.replacing, { recursive: true, force: true });
  return { recordings: needed.size, reembedded, switched: true };
}

/** Remove the shards (and staged shards) kept directly in the index folder `dir`. */
function removeShardsOf(dir: string): void {
  for (const sub of [SHARDS_DIR, STAGING_DIR]) {
    const path = join(dir, sub);
    if (existsSync(path)) rmSync(path, { recursive: true, force: true });
  }
}
