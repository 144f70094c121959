import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  INDEX_FORMAT,
  INDEX_VERSION,
  loadIndex,
  readIndexHeader,
  SHARDS_DIR,
  writeIndexHeader,
  writeShard,
  type IndexEntry,
  type IndexHeader,
} from './index-format.js';
import { finishReembedding, generationName, indexTarget } from './index-generations.js';

const MODEL_A = 'a'.repeat(64);
const MODEL_B = 'b'.repeat(64);

/** A header of a 2-dimensional index of `model`. */
const headerOf = (model: string): IndexHeader => ({
  format: INDEX_FORMAT,
  version: INDEX_VERSION,
  model: { dir: `/models/${model.slice(0, 1)}`, configSha256: model },
  dim: 2,
  clinicalDim: 0,
  measurementFeatures: [],
  windowSeconds: 10,
});

const windowOf = (key: string, row: number): IndexEntry => ({
  kind: 'window',
  row,
  record: `/archive/${key}`,
  sha256: key,
  window: null,
  key,
  patientId: null,
  labels: [],
  ageYears: null,
  sex: null,
  context: false,
  measurements: [],
});
const skippedOf = (key: string): IndexEntry => ({
  kind: 'skipped',
  record: `/archive/${key}`,
  key,
  reason: 'unreadable',
});

/** Write shard `n` of the index folder `dir` (header `model`) holding windows of `keys` (value v) and `skipped`. */
function shard(dir: string, model: string, n: number, keys: string[], v: number, skipped: string[] = []): void {
  if (!readIndexHeader(dir)) writeIndexHeader(dir, headerOf(model));
  const entries = [...keys.map(windowOf), ...skipped.map(skippedOf)];
  writeShard(dir, n, headerOf(model), new Float32Array(keys.length * 2).fill(v), entries);
}

describe('re-embedding an archive index for a new model', () => {
  let dir: string;
  beforeEach(() => {
    dir = join(mkdtempSync(join(tmpdir(), 'fewbeat-generations-')), 'index');
    shard(dir, MODEL_A, 1, ['r1', 'r2', 'r3'], 1);
  });
  afterEach(() => rmSync(join(dir, '..'), { recursive: true, force: true }));

  it('refuses a run with another model unless it re-embeds, and a generation folder given as the index', () => {
    expect(indexTarget(dir, MODEL_A, false)).toEqual({ dir, replacing: null });
    expect(() => indexTarget(dir, MODEL_B, false)).toThrow(
      /index\.json: the index was built with another model.*--reembed/,
    );
    expect(indexTarget(dir, MODEL_B, true)).toEqual({ dir: join(dir, generationName(MODEL_B)), replacing: dir });
    expect(() => indexTarget(join(dir, generationName(MODEL_B)), MODEL_B, true)).toThrow(
      /a generation folder of the index at .*index: index into that folder/,
    );
  });

  it('keeps the current embeddings until every recording with windows has windows again, naming those missing', () => {
    const target = indexTarget(dir, MODEL_B, true);
    // r3 could not be read this time: a skipped entry does not stand for its windows.
    shard(target.dir, MODEL_B, 1, ['r1', 'r2'], 2, ['r3']);
    expect(finishReembedding(dir, target)).toEqual({
      recordings: 3,
      reembedded: 2,
      missing: ['/archive/r3'],
      switched: false,
    });
    expect(loadIndex(dir).header.model.configSha256).toBe(MODEL_A);
    expect(Array.from(loadIndex(dir).vectors)).toEqual([1, 1, 1, 1, 1, 1]);
    shard(target.dir, MODEL_B, 2, ['r3', 'r4'], 2);
    expect(finishReembedding(dir, target)).toMatchObject({ recordings: 3, reembedded: 3, switched: true });
    const switched = loadIndex(dir);
    expect(switched.header).toMatchObject({ generation: generationName(MODEL_B), model: { configSha256: MODEL_B } });
    expect(switched.header.replaces).toBeUndefined();
    // Version 3: fewbeat without generations refuses it instead of reading the absent INDEX/shards as empty.
    expect(switched.header.version).toBe(3);
    expect(switched.windows.map((w) => w.key)).toEqual(['r1', 'r2', 'r3', 'r4']);
    expect(existsSync(join(dir, SHARDS_DIR))).toBe(false);
  });

  it('switches on demand with recordings missing, which drop out of the index', () => {
    const target = indexTarget(dir, MODEL_B, true);
    shard(target.dir, MODEL_B, 1, ['r1'], 2);
    expect(finishReembedding(dir, target, { force: true })).toMatchObject({ reembedded: 1, switched: true });
    expect(loadIndex(dir).windows.map((w) => w.key)).toEqual(['r1']);
  });

  it('switches from one generation to the next, and removes the replaced one even after a kill mid-switch', () => {
    const toB = indexTarget(dir, MODEL_B, true);
    shard(toB.dir, MODEL_B, 1, ['r1', 'r2', 'r3'], 2);
    finishReembedding(dir, toB);
    const toA = indexTarget(dir, MODEL_A, true);
    expect(toA).toEqual({ dir: join(dir, generationName(MODEL_A)), replacing: toB.dir });
    shard(toA.dir, MODEL_A, 1, ['r1', 'r2', 'r3'], 3);
    // Killed after the new header, before the replaced generation was removed.
    writeIndexHeader(dir, {
      ...headerOf(MODEL_A),
      generation: generationName(MODEL_A),
      replaces: generationName(MODEL_B),
    });
    expect(Array.from(loadIndex(dir).vectors)).toEqual([3, 3, 3, 3, 3, 3]);
    expect(existsSync(toB.dir)).toBe(true);
    // The next run finishes the switch, whatever its model; the current generation stays.
    indexTarget(dir, MODEL_B, true);
    expect(existsSync(toB.dir)).toBe(false);
    expect(existsSync(toA.dir)).toBe(true);
    expect(readIndexHeader(dir)?.replaces).toBeUndefined();
    // A later re-embedding with model B starts afresh, and is not removed as the replaced generation.
    const again = indexTarget(dir, MODEL_B, true);
    shard(again.dir, MODEL_B, 1, ['r1'], 4);
    indexTarget(dir, MODEL_B, true);
    expect(existsSync(again.dir)).toBe(true);
  });
});
