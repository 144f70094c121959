import { existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { FewbeatError } from '../errors.js';
import { writeFileAtomic } from '../util/atomic-write.js';
import { checkContentHash, sha256Hex, withContentHash } from '../util/content-hash.js';
import { readConsistently } from '../util/read-consistently.js';

/**
 * An archive index: a folder of embedded ECG windows that `fewbeat search` ranks for a taught class.
 *
 *     INDEX/index.json            { format: "fewbeat-archive-index", version: 2 (3 with a generation),
 *                                   model: { dir, configSha256 },
 *                                   dim D, clinicalDim F (0: the model has no context gate),
 *                                   measurementFeatures: [names], windowSeconds,
 *                                   sha256 (of its own canonical JSON, src/util/content-hash.ts) }
 *     INDEX/shards/NNNNNN.f32     rows of D + F little-endian float32: the window's vector in the model's
 *                                 prototype space, then its encoded clinical vector (F values)
 *     INDEX/shards/NNNNNN.jsonl   one JSON object per line: a `window` entry per row of the .f32 file (in
 *                                 row order), and `skipped` / `duplicate` entries for records without rows;
 *                                 its last line is the seal { kind: "seal", f32Sha256, sha256 }: the
 *                                 SHA-256 of the .f32 file and of every line before the seal
 *
 * Generations: a new model version is embedded beside the current one, in `INDEX/gen-<first 12 hex
 * of its config SHA-256>/` (an index folder of its own: index.json, shards/), while searches keep
 * reading the current embeddings. When it holds every record of the current one, `INDEX/index.json`
 * is replaced (atomically) by its header with `generation: "gen-…"`, which names the folder whose
 * shards are now the index's (src/archive/index-generations.ts); absent, the shards are
 * `INDEX/shards/`. `replaces` names the files of the previous generation until they are removed.
 *
 * Appendable: a run only ever adds shards. Each shard's .f32 file is written (atomically) before its
 * .jsonl file, so the .jsonl file commits the shard: a shard without one is an interrupted write and is
 * ignored (and overwritten by the next run). Records are identified by the SHA-256 of their files'
 * content, so a resumed or repeated run embeds nothing twice. Version 2 added the content hashes: a
 * shard or header changed by a single byte is refused on load, naming the file.
 */
export const INDEX_FORMAT = 'fewbeat-archive-index';
export const INDEX_VERSION = 2;
/**
 * The version of a header that names a generation folder: fewbeat before generations would read
 * `INDEX/shards/` of such an index (absent) as an empty index; it refuses version 3 instead.
 */
export const GENERATION_INDEX_VERSION = 3;
export const INDEX_FILE = 'index.json';
export const SHARDS_DIR = 'shards';

const indexHeaderSchema = z
  .object({
    format: z.literal(INDEX_FORMAT),
    version: z.union([z.literal(INDEX_VERSION), z.literal(GENERATION_INDEX_VERSION)]),
    model: z.object({ dir: z.string(), configSha256: z.string().regex(/^[0-9a-f]{64}$/) }),
    dim: z.number().int().positive(),
    clinicalDim: z.number().int().min(0),
    measurementFeatures: z.array(z.string()),
    windowSeconds: z.number().positive(),
    /** The folder under INDEX holding the current shards (absent: INDEX itself). */
    generation: z
      .string()
      .regex(/^gen-[0-9a-f]{12}$/)
      .optional(),
    /** Set by a switch of generation until the files it replaced are removed: their folder ("." for INDEX's own). */
    replaces: z
      .string()
      .regex(/^(\.|gen-[0-9a-f]{12})$/)
      .optional(),
    sha256: z.string(),
  })
  .refine((h) => (h.generation !== undefined) === (h.version === GENERATION_INDEX_VERSION), {
    message: `version ${GENERATION_INDEX_VERSION} names its generation folder, version ${INDEX_VERSION} none`,
    path: ['version'],
  });

export type IndexHeader = Omit<z.infer<typeof indexHeaderSchema>, 'sha256'>;
const REBUILD = 'remove the index folder and run fewbeat index again';

const windowSchema = z.object({ startS: z.number(), endS: z.number() }).nullable();

/** One embedded window: row `row` of its shard's matrix. */
const windowEntrySchema = z.object({
  kind: z.literal('window'),
  row: z.number().int().min(0),
  /** Absolute record path (as `loadEcg` takes it) and the SHA-256 of its files. */
  record: z.string(),
  sha256: z.string(),
  /** Seconds of the recording this window covers; null = the whole recording. */
  window: windowSchema,
  /** The identity of the unit of work (record content, and the manifest window when the row had one). */
  key: z.string(),
  patientId: z.string().nullable(),
  labels: z.array(z.string()),
  ageYears: z.number().nullable(),
  sex: z.enum(['M', 'F']).nullable(),
  /** Whether the clinical vector comes from a known context (a manifest row) rather than all-missing. */
  context: z.boolean(),
  /** Measurement values in `measurementFeatures` order (null = not measured). */
  measurements: z.array(z.number().nullable()),
});

const skippedEntrySchema = z.object({
  kind: z.literal('skipped'),
  record: z.string(),
  key: z.string().nullable(),
  reason: z.string(),
});

const duplicateEntrySchema = z.object({
  kind: z.literal('duplicate'),
  record: z.string(),
  key: z.string(),
  of: z.string(),
});

const entrySchema = z.discriminatedUnion('kind', [windowEntrySchema, skippedEntrySchema, duplicateEntrySchema]);

/** The last line of a shard's .jsonl: the SHA-256 of its .f32 file and of the lines before it. */
const sealSchema = z.object({
  kind: z.literal('seal'),
  f32Sha256: z.string().regex(/^[0-9a-f]{64}$/),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
});

export type WindowEntry = z.infer<typeof windowEntrySchema>;
export type SkippedEntry = z.infer<typeof skippedEntrySchema>;
export type DuplicateEntry = z.infer<typeof duplicateEntrySchema>;
export type IndexEntry = z.infer<typeof entrySchema>;

/** A loaded index: every window's vector as one contiguous row-major matrix. */
export interface LoadedIndex {
  dir: string;
  header: IndexHeader;
  /** [N, D] prototype-space vectors, window i at `i * D`. */
  vectors: Float32Array;
  /** [N, F] encoded clinical vectors (empty when F = 0). */
  clinical: Float32Array;
  windows: WindowEntry[];
  skipped: SkippedEntry[];
  duplicates: DuplicateEntry[];
  /** Number of committed shards. */
  shards: number;
}

function readJson(file: string): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new FewbeatError(`not a readable JSON file: ${(e as Error).message.split('\n')[0]}`, { file });
  }
}

/** Read and check `INDEX/index.json`; null when the folder holds no index yet. */
export function readIndexHeader(dir: string): IndexHeader | null {
  const file = join(dir, INDEX_FILE);
  if (!existsSync(file)) return null;
  const json = readJson(file);
  const parsed = indexHeaderSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new FewbeatError(
      `not a fewbeat archive index of version ${INDEX_VERSION} or ${GENERATION_INDEX_VERSION}: ` +
        `${issue?.path.join('.')}: ${issue?.message}`,
      {
        file,
      },
    );
  }
  checkContentHash(json, file, REBUILD);
  const { sha256: _hash, ...header } = parsed.data;
  return header;
}

/**
 * Write the index's header (atomically); the shards folder is created with it, unless the header
 * names a generation folder holding them.
 */
export function writeIndexHeader(dir: string, header: IndexHeader): void {
  mkdirSync(header.generation === undefined ? join(dir, SHARDS_DIR) : dir, { recursive: true });
  const version = header.generation === undefined ? INDEX_VERSION : GENERATION_INDEX_VERSION;
  writeFileAtomic(join(dir, INDEX_FILE), `${JSON.stringify(withContentHash({ ...header, version }), null, 2)}\n`);
}

/** The committed shard numbers of an index, ascending (a shard is committed when its .jsonl exists). */
export function committedShards(dir: string): number[] {
  const shards = join(dir, SHARDS_DIR);
  if (!existsSync(shards)) return [];
  return readdirSync(shards)
    .map((f) => /^(\d{6})\.jsonl$/.exec(f))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => Number(m[1]))
    .sort((a, b) => a - b);
}

/** The path without extension of committed shard `n`: `INDEX/shards/NNNNNN` (+ `.f32`, `.jsonl`). */
function shardBase(dir: string, n: number): string {
  return join(dir, SHARDS_DIR, String(n).padStart(6, '0'));
}

/**
 * The entries of the shard at `base` (`base.jsonl`, committed), each line checked, and the SHA-256
 * its seal gives `base.f32`.
 */
export function readShardFiles(base: string): { entries: IndexEntry[]; f32Sha256: string } {
  const file = `${base}.jsonl`;
  const text = readFileSync(file, 'utf8');
  // The last line (the seal) starts after the last newline before the final one. (A regular expression anchored at
  // the end, /[^\n]*\n?$/, is tried from every position: 35 s for the 200 shards of 10^5 windows.)
  const end = text.endsWith('\n') ? text.length - 1 : text.length;
  const body = text.slice(0, text.lastIndexOf('\n', end - 1) + 1);
  const lastLine = text.slice(body.length).trim();
  let seal: z.infer<typeof sealSchema> | null = null;
  try {
    const parsed = sealSchema.safeParse(JSON.parse(lastLine));
    if (parsed.success) seal = parsed.data;
  } catch {
    seal = null;
  }
  if (seal === null) throw new FewbeatError(`its last line is not the shard's seal (cut short?): ${REBUILD}`, { file });
  if (sha256Hex(body) !== seal.sha256)
    throw new FewbeatError(
      `content does not match the SHA-256 of its seal: the file was changed or is corrupt; ${REBUILD}`,
      {
        file,
      },
    );
  const entries: IndexEntry[] = [];
  body.split('\n').forEach((line, i) => {
    if (line.trim() === '') return;
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch {
      throw new FewbeatError('not valid JSON', { file, location: `line ${i + 1}` });
    }
    const parsed = entrySchema.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new FewbeatError(`${issue?.path.join('.')}: ${issue?.message}`, { file, location: `line ${i + 1}` });
    }
    entries.push(parsed.data);
  });
  return { entries, f32Sha256: seal.f32Sha256 };
}

/** The entries of one committed shard, each line checked (and the lines against the shard's seal). */
export function readShardEntries(dir: string, n: number): IndexEntry[] {
  return readShardFiles(shardBase(dir, n)).entries;
}

/**
 * Write a shard's files at `base`: its matrix ([rows, D + F] float32) first, then its entries (the
 * commit), each file atomically. The window entries' `row` must number the matrix rows 0..rows−1.
 */
export function writeShardFiles(
  base: string,
  header: IndexHeader,
  rows: Float32Array,
  entries: readonly IndexEntry[],
): void {
  const stride = header.dim + header.clinicalDim;
  const windows = entries.filter((e) => e.kind === 'window').length;
  if (rows.length !== windows * stride)
    throw new Error(`shard ${base}: ${rows.length} values for ${windows} rows of ${stride}`);
  const bytes = new Uint8Array(rows.buffer, rows.byteOffset, rows.byteLength);
  writeFileAtomic(`${base}.f32`, bytes);
  const body = entries.map((e) => `${JSON.stringify(e)}\n`).join('');
  const seal = { kind: 'seal', f32Sha256: sha256Hex(bytes), sha256: sha256Hex(body) };
  writeFileAtomic(`${base}.jsonl`, `${body}${JSON.stringify(seal)}\n`);
}

/** Commit shard `n` of the index at `dir` ({@link writeShardFiles}). */
export function writeShard(
  dir: string,
  n: number,
  header: IndexHeader,
  rows: Float32Array,
  entries: readonly IndexEntry[],
): void {
  writeShardFiles(shardBase(dir, n), header, rows, entries);
}

/**
 * The matrix of the shard at `base` (`base.f32`): `rows` rows of `stride` float32, checked against
 * the SHA-256 of its seal. A file of another size or content is refused in one line naming it.
 */
export function readShardMatrix(base: string, rows: number, stride: number, f32Sha256: string): Float32Array {
  const file = `${base}.f32`;
  const size = existsSync(file) ? statSync(file).size : -1;
  if (size !== rows * stride * 4)
    throw new FewbeatError(
      `holds ${size < 0 ? 'no' : size} bytes, expected ` +
        `${rows} rows × ${stride} float32 values (a damaged ` +
        `index: remove this shard and its .jsonl, then run fewbeat index again)`,
      { file },
    );
  const buffer = readFileSync(file);
  if (sha256Hex(buffer) !== f32Sha256)
    throw new FewbeatError(`SHA-256 does not match its shard's seal: the file is corrupt; ${REBUILD}`, { file });
  return new Float32Array(buffer.buffer.slice(buffer.byteOffset, buffer.byteOffset + buffer.byteLength));
}

/** Every committed shard's entries (without reading the matrices): what a resumed run has done. */
export function readAllEntries(dir: string): IndexEntry[] {
  return committedShards(dir).flatMap((n) => readShardEntries(dir, n));
}

/** The folder holding the current shards of the index at `dir`: its generation's folder, or `dir` itself. */
export function activeIndexDir(dir: string, header: IndexHeader): string {
  return header.generation === undefined ? dir : join(dir, header.generation);
}

/**
 * Load an index for search: every committed shard's rows of its current generation into one
 * contiguous [N, D] matrix (and [N, F] clinical matrix). A shard whose matrix does not hold exactly
 * its rows is reported. A load that raced with a switch to a new generation (the header changed
 * while the shards were read) is done again, once.
 */
export function loadIndex(dir: string): LoadedIndex {
  const read = (): IndexHeader => {
    const header = readIndexHeader(dir);
    if (!header)
      throw new FewbeatError(`no ${INDEX_FILE} here: not a fewbeat archive index (write one with fewbeat index)`, {
        file: dir,
      });
    return header;
  };
  return readConsistently(read, (header) => loadShards(dir, header));
}

/** {@link loadIndex} of the generation `header` names. */
function loadShards(dir: string, header: IndexHeader): LoadedIndex {
  const shardsOf = activeIndexDir(dir, header);
  const { dim: D, clinicalDim: F } = header;
  const stride = D + F;
  const shards = committedShards(shardsOf);
  const perShard = shards.map((n) => readShardFiles(shardBase(shardsOf, n)));
  const total = perShard.reduce((s, es) => s + es.entries.filter((e) => e.kind === 'window').length, 0);
  const vectors = new Float32Array(total * D);
  const clinical = new Float32Array(total * F);
  const windows: WindowEntry[] = [];
  const skipped: SkippedEntry[] = [];
  const duplicates: DuplicateEntry[] = [];
  shards.forEach((n, s) => {
    const { entries, f32Sha256 } = perShard[s] as { entries: IndexEntry[]; f32Sha256: string };
    const shardWindows = entries.filter((e): e is WindowEntry => e.kind === 'window');
    const rows = readShardMatrix(shardBase(shardsOf, n), shardWindows.length, stride, f32Sha256);
    for (const e of shardWindows) {
      if (e.row >= shardWindows.length)
        throw new FewbeatError(`row ${e.row} is beyond the shard's ${shardWindows.length} rows`, {
          file: `${shardBase(shardsOf, n)}.f32`,
        });
      const i = windows.length;
      vectors.set(rows.subarray(e.row * stride, e.row * stride + D), i * D);
      if (F > 0) clinical.set(rows.subarray(e.row * stride + D, (e.row + 1) * stride), i * F);
      windows.push(e);
    }
    for (const e of entries) {
      if (e.kind === 'skipped') skipped.push(e);
      else if (e.kind === 'duplicate') duplicates.push(e);
    }
  });
  return { dir, header, vectors, clinical, windows, skipped, duplicates, shards: shards.length };
}
