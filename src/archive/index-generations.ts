import { existsSync, rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { FewbeatError } from '../errors.js';
import {
  activeIndexDir,
  INDEX_FILE,
  readAllEntries,
  readIndexHeader,
  SHARDS_DIR,
  writeIndexHeader,
  type IndexHeader,
} from './index-format.js';
import { STAGING_DIR } from './staged-shards.js';

/**
 * Re-embedding an index for a new model version while it stays searchable. A run of `fewbeat index
 * --reembed` with another model than the index's writes into the new model's generation folder,
 * `INDEX/gen-<first 12 hex of its config SHA-256>/` (an index folder of its own, resumable as any
 * index), and searches keep reading the current generation meanwhile. Once the new generation holds
 * every recording of the current one (by content key: a recording with windows needs windows, or a
 * duplicate entry, in the new one), it becomes the index's: `INDEX/index.json` is replaced in one
 * atomic rename by the new header, which names its folder (`generation`) and the folder it replaces
 * (`replaces`, "." for the index folder's own shards); then the replaced files are removed and the
 * header is written again without `replaces`. A run killed in between leaves `replaces` in the
 * header, and the next run removes what it names. A reader sees the old header and shards or the new
 * ones (a load that raced with the switch is done again: `loadIndex`).
 */

const GENERATION = /^gen-[0-9a-f]{12}$/;

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
 * current generation when that model embedded it (or when there is no index yet); with `reembed`,
 * the model's own generation folder, else a one-line refusal. A generation folder is refused as
 * `dir` (its index is the folder above), and the files a switch cut short left are removed first.
 * Call it with the index lock held.
 */
export function indexTarget(dir: string, configSha256: string, reembed: boolean): IndexTarget {
  if (GENERATION.test(basename(dir)) && existsSync(join(dirname(dir), INDEX_FILE)))
    throw new FewbeatError(`a generation folder of the index at ${dirname(dir)}: index into that folder`, {
      file: dir,
    });
  const header = readIndexHeader(dir);
  if (!header) return { dir, replacing: null };
  removeReplaced(dir, header);
  const current = activeIndexDir(dir, header);
  if (header.model.configSha256 === configSha256) return { dir: current, replacing: null };
  if (!reembed)
    throw new FewbeatError(
      `the index was built with another model (${header.model.dir}): --reembed re-embeds it with this one ` +
        `beside the current embeddings (searched until the new ones are complete), or index into a new folder`,
      { file: join(dir, INDEX_FILE) },
    );
  return { dir: join(dir, generationName(configSha256)), replacing: current };
}

/** The options of an index run (local or on a queue) that concern re-embedding. */
export interface ReembedOptions {
  /**
   * With another model than the index's: re-embed the archive with it beside the current embeddings,
   * and switch to them once every recording of the index is re-embedded; without, such a run is
   * refused. @default false
   */
  reembed?: boolean;
  /** With `reembed`: switch at the end of this run even if some recordings of the index are not re-embedded. */
  switchIncomplete?: boolean;
}

/** How far a re-embedding has come. */
export interface Reembedding {
  /** Recordings (content keys) of the generation being replaced. */
  recordings: number;
  /** Of those, the ones the new generation holds (with windows where the current one has them). */
  reembedded: number;
  /** Up to 10 records of the current generation not re-embedded yet. */
  missing: string[];
  /** Whether the new generation is now the index's (and the previous one was removed). */
  switched: boolean;
}

/**
 * After a run into `target`: when it re-embeds and the new generation holds every recording of the
 * one it replaces (or `force`: those not re-embedded drop out of the index), switch the index at
 * `dir` to it and remove the replaced generation; null when the run did not re-embed. `check` (the
 * index lock still held) is called just before the switch.
 */
export function finishReembedding(
  dir: string,
  target: IndexTarget,
  options: { force?: boolean; check?: () => void } = {},
): Reembedding | null {
  if (target.replacing === null) return null;
  // The new generation's content keys: those with windows (or a duplicate entry), and all of them.
  const embedded = new Set<string>();
  const held = new Set<string>();
  for (const e of readAllEntries(target.dir)) {
    if (e.key === null) continue;
    if (e.kind !== 'skipped') embedded.add(e.key);
    held.add(e.key);
  }
  const needed = new Map<string, { record: string; windows: boolean }>();
  for (const e of readAllEntries(target.replacing)) {
    if (e.key === null) continue;
    const seen = needed.get(e.key);
    needed.set(e.key, { record: seen?.record ?? e.record, windows: (seen?.windows ?? false) || e.kind === 'window' });
  }
  const missing: string[] = [];
  let reembedded = 0;
  for (const [key, { record, windows }] of needed)
    if (windows ? embedded.has(key) : held.has(key)) reembedded++;
    else if (missing.length < 10) missing.push(record);
  const result = { recordings: needed.size, reembedded, missing };
  if (reembedded < needed.size && !options.force) return { ...result, switched: false };
  const header = readIndexHeader(target.dir);
  if (!header) throw new FewbeatError('no index.json: the new generation was not started', { file: target.dir });
  const replaces = target.replacing === dir ? '.' : basename(target.replacing);
  options.check?.();
  const switched: IndexHeader = { ...header, generation: basename(target.dir), replaces };
  writeIndexHeader(dir, switched);
  removeReplaced(dir, switched);
  return { ...result, switched: true };
}

/**
 * Remove the generation a switch replaced (`header.replaces`: a generation folder, or "." for the
 * index folder's own shards and staged shards), then write the header again without `replaces`.
 */
function removeReplaced(dir: string, header: IndexHeader): void {
  const { replaces, ...rest } = header;
  if (replaces === undefined) return;
  // Never the current shards: "." only while a generation folder holds them, a folder only when it is not that one.
  if (header.generation !== undefined && replaces !== header.generation) {
    const paths = replaces === '.' ? [SHARDS_DIR, STAGING_DIR] : [replaces];
    for (const path of paths) rmSync(join(dir, path), { recursive: true, force: true });
  }
  writeIndexHeader(dir, rest);
}
