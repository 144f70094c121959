import { copyFileSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readCohort } from '../io/manifest/index.js';
import { runCli } from '../test-utils/run-cli.js';
import { otherPrototypeSpaceModel, tinyModel } from '../test-utils/tiny-model.js';
import { recordingWindows } from './archive-units.js';
import { committedShards, loadIndex, SHARDS_DIR } from './index-format.js';
import { precisionAtK, type ClassSearch } from './search-index.js';

interface IndexRun {
  units: number;
  alreadyIndexed: number;
  embedded: number;
  duplicates: number;
  skipped: Array<{ record: string; reason: string }>;
}

describe('archive index and search', () => {
  let root: string;
  let modelDir: string;
  let cohortDir: string;

  beforeAll(async () => {
    ({ root, cohortDir, modelDir } = await tinyModel());
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  const index = async (archive: string, out: string, extra: string[] = []): Promise<IndexRun> => {
    const run = await runCli(['index', archive, '--model', modelDir, '--out', out, '--json', ...extra]);
    expect(run.stderr.split('\n').filter((l) => l.startsWith('error'))).toEqual([]);
    expect(run.code).toBe(0);
    return JSON.parse(run.stdout) as IndexRun;
  };

  it('embeds each manifest row once, as enroll does, and a second run embeds nothing', async () => {
    const out = join(root, 'index-manifest');
    const rows = readCohort(cohortDir).rows;
    const first = await index(cohortDir, out, ['--shard', '16']);
    expect(first).toMatchObject({ units: rows.length, alreadyIndexed: 0, embedded: rows.length, skipped: [] });
    const loaded = loadIndex(out);
    expect(loaded.windows.map((w) => w.record)).toEqual(rows.map((r) => r.recordPath));
    expect(loaded.shards).toBe(Math.ceil(rows.length / 16));
    // The enroll command embeds its examples through the same path: its vectors are the index rows.
    const bankFile = join(root, 'all.json');
    const enroll = await runCli([
      'enroll',
      '--model',
      modelDir,
      '--manifest',
      cohortDir,
      '--classes',
      'jet',
      '--out',
      bankFile,
    ]);
    expect(enroll.code).toBe(0);
    const bank = JSON.parse(readFileSync(bankFile, 'utf8')) as {
      examples: Array<{ record: string; embedding: number[] }>;
    };
    const D = loaded.header.dim;
    for (const e of bank.examples) {
      const i = loaded.windows.findIndex((w) => w.record === join(cohortDir, e.record));
      expect(i).toBeGreaterThanOrEqual(0);
      const row = Array.from(loaded.vectors.subarray(i * D, (i + 1) * D));
      row.forEach((v, d) => expect(v).toBeCloseTo(e.embedding[d] as number, 4));
    }
    const again = await index(cohortDir, out);
    expect(again).toMatchObject({ alreadyIndexed: rows.length, embedded: 0 });
    expect(committedShards(out)).toHaveLength(loaded.shards);
  });

  it('embeds the same vectors and entries with decoding on two worker threads as in one thread', async () => {
    const one = join(root, 'index-one-thread');
    const two = join(root, 'index-two-threads');
    await index(cohortDir, one, ['--threads', '0', '--shard', '16']);
    await index(cohortDir, two, ['--threads', '2', '--shard', '16']);
    const a = loadIndex(one);
    const b = loadIndex(two);
    expect(b.windows).toEqual(a.windows);
    expect(Array.from(b.vectors)).toEqual(Array.from(a.vectors));
    expect(Array.from(b.clinical)).toEqual(Array.from(a.clinical));
  });

  it(
    'continues an interrupted run where it stopped: an uncommitted shard ' + 'is embedded again, nothing else',
    async () => {
      const out = join(root, 'index-resume');
      await index(cohortDir, out, ['--shard', '16']);
      const before = loadIndex(out);
      const last = committedShards(out).at(-1) as number;
      const lastRows = before.windows.length - 16 * (last - 1);
      // A run killed between writing the shard's matrix and its entries leaves the matrix without a commit.
      rmSync(join(out, SHARDS_DIR, `${String(last).padStart(6, '0')}.jsonl`));
      const resumed = await index(cohortDir, out, ['--shard', '16']);
      expect(resumed).toMatchObject({ embedded: lastRows, alreadyIndexed: before.windows.length - lastRows });
      const after = loadIndex(out);
      expect(after.windows.map((w) => w.key)).toEqual(before.windows.map((w) => w.key));
      expect(Array.from(after.vectors)).toEqual(Array.from(before.vectors));
    },
  );

  it(
    'walks an archive folder: lists unreadable files with their reason, ' +
      'embeds a copied record once, adds new ones on a re-run',
    async () => {
      const archive = join(root, 'archive');
      for (const d of ['a', 'b']) mkdirSync(join(archive, d), { recursive: true });
      const rows = readCohort(cohortDir).rows.slice(0, 3);
      // A WFDB header names its signal file, so a copied record keeps its name (in another folder).
      const copy = (row: number, to: string): void => {
        const from = rows[row]?.recordPath as string;
        const name = from.split('/').at(-1) as string;
        for (const ext of ['hea', 'dat']) copyFileSync(`${from}.${ext}`, join(archive, to, `${name}.${ext}`));
      };
      copy(0, 'a');
      copy(1, 'a');
      copy(0, 'b');
      writeFileSync(join(archive, 'a', 'broken.hea'), 'broken 12 500 notanumber\n');
      writeFileSync(join(archive, 'notes.csv'), 'this,is\nnot,an ecg\n');
      const out = join(archive, 'index');
      const first = await index(archive, out);
      expect(first).toMatchObject({ units: 5, embedded: 2, duplicates: 1 });
      expect(first.skipped.map((s) => s.record.replace(`${archive}/`, ''))).toEqual(['a/broken', 'notes.csv']);
      for (const s of first.skipped) expect(s.reason).toContain(s.record);
      copy(2, 'a');
      const second = await index(archive, out);
      // The unreadable files (unchanged) are not read again; only the new record is embedded.
      expect(second).toMatchObject({ units: 6, embedded: 1, alreadyIndexed: 5, skipped: [] });
      expect(loadIndex(out).windows).toHaveLength(3);
    },
  );

  it(
    're-embeds an index for a new model beside the current one, searchable meanwhile, ' +
      'and switches to it once every recording is re-embedded',
    async () => {
      const archive = join(root, 'reembed-archive');
      const aside = join(root, 'reembed-aside');
      for (const d of [archive, aside]) mkdirSync(d, { recursive: true });
      const rows = readCohort(cohortDir).rows.slice(0, 3);
      const move = (row: number, from: string, to: string): void => {
        const name = (rows[row]?.recordPath as string).split('/').at(-1) as string;
        for (const ext of ['hea', 'dat']) renameSync(join(from, `${name}.${ext}`), join(to, `${name}.${ext}`));
      };
      rows.forEach((r) => {
        const name = r.recordPath.split('/').at(-1) as string;
        for (const ext of ['hea', 'dat']) copyFileSync(`${r.recordPath}.${ext}`, join(archive, `${name}.${ext}`));
      });
      const out = join(root, 'index-reembed');
      await index(archive, out, ['--shard', '2']);
      const before = loadIndex(out);
      // Another model: the same network with another prototype space, so its vectors differ.
      const other = otherPrototypeSpaceModel(modelDir, join(root, 'other-model'));
      const reindex = async (): Promise<IndexRun & { reembedding: unknown }> => {
        const run = await runCli([
          'index',
          archive,
          ...['--model', other, '--out', out, '--json', '--shard', '2', '--reembed'],
        ]);
        expect(run.stderr).not.toContain('error');
        expect(run.code).toBe(0);
        return JSON.parse(run.stdout) as IndexRun & { reembedding: unknown };
      };
      // Another model without --reembed is refused.
      const refused = await runCli(['index', archive, '--model', other, '--out', out]);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toMatch(/index\.json: the index was built with another model .*--reembed re-embeds it/);
      // Part of the archive first (a run stopped half-way): the index still searches the current model's vectors.
      move(2, archive, aside);
      const partial = await reindex();
      const movedAway = join(archive, (rows[2]?.recordPath as string).split('/').at(-1) as string);
      expect(partial.reembedding).toEqual({ recordings: 3, reembedded: 2, missing: [movedAway], switched: false });
      const during = loadIndex(out);
      expect(during.header).toEqual(before.header);
      expect(Array.from(during.vectors)).toEqual(Array.from(before.vectors));
      move(2, aside, archive);
      const rest3 = await reindex();
      expect(rest3).toMatchObject({ embedded: 1, alreadyIndexed: 2 });
      expect(rest3.reembedding).toEqual({ recordings: 3, reembedded: 3, missing: [], switched: true });
      const after = loadIndex(out);
      expect(after.header.model.dir).toBe(other);
      expect(after.header.generation).toMatch(/^gen-[0-9a-f]{12}$/);
      expect(existsSync(join(out, SHARDS_DIR))).toBe(false);
      // The same rows as an index built with the new model from scratch, and not the old model's.
      const fresh = join(root, 'index-reembed-fresh');
      const run = await runCli(['index', archive, '--model', other, '--out', fresh, '--json']);
      expect(run.code).toBe(0);
      const scratch = loadIndex(fresh);
      const withoutRow = (ws: typeof after.windows) => ws.map(({ row: _row, ...w }) => w);
      expect(withoutRow(after.windows)).toEqual(withoutRow(scratch.windows));
      expect(Array.from(after.vectors)).toEqual(Array.from(scratch.vectors));
      expect(Array.from(after.vectors)).not.toEqual(Array.from(before.vectors));
      // A bank of the previous model is refused against the new model's vectors, by search and by predict.
      const oldBank = join(root, 'reembed-old-bank.json');
      const enroll = ['enroll', '--model', modelDir, '--manifest', cohortDir, '--classes', 'jet', '--out', oldBank];
      expect((await runCli(enroll)).code).toBe(0);
      const search = await runCli(['search', out, '--bank', oldBank]);
      const predict = await runCli([
        'predict',
        '--model',
        other,
        '--bank',
        oldBank,
        '--record',
        rows[0]?.recordPath as string,
      ]);
      for (const refused of [search, predict]) {
        expect(refused.code).toBe(1);
        expect(refused.stderr).toMatch(
          /^error: the bank was enrolled with another model than .+: enroll it again with that model\n$/,
        );
      }
      // The switched index grows as any other.
      const again = await reindex();
      expect(again).toMatchObject({ embedded: 0, alreadyIndexed: 3, reembedding: null });
    },
  );

  it('reports a damaged shard by name', async () => {
    const damaged = join(root, 'index-damaged');
    await index(cohortDir, damaged, ['--shard', '16']);
    const f32 = join(damaged, SHARDS_DIR, '000001.f32');
    const f32Bytes = readFileSync(f32);
    writeFileSync(f32, f32Bytes.subarray(0, 100));
    expect(() => loadIndex(damaged)).toThrow(/000001\.f32: holds 100 bytes, expected 16 rows/);
    // A bit flipped in a matrix, a digit changed in a shard's entries or in the header, the entries cut short:
    // each refused in one line naming the file, by the SHA-256 the shard's seal or the header records.
    const flipped = Buffer.from(f32Bytes);
    flipped[37]! ^= 0x10;
    writeFileSync(f32, flipped);
    expect(() => loadIndex(damaged)).toThrow(
      /000001\.f32: SHA-256 does not match its shard's seal: the file is corrupt/,
    );
    writeFileSync(f32, f32Bytes);
    expect(loadIndex(damaged).windows.length).toBeGreaterThan(16);
    const jsonl = join(damaged, SHARDS_DIR, '000001.jsonl');
    const header = join(damaged, 'index.json');
    const changes: Array<[string, (t: string) => string, RegExp]> = [
      [
        jsonl,
        (t) => t.replace(/"row":1,/, '"row":2,'),
        /000001\.jsonl: content does not match the SHA-256 of its seal/,
      ],
      [jsonl, (t) => t.slice(0, t.length - 30), /000001\.jsonl: its last line is not the shard's seal/],
      [header, (t) => t.replace('"windowSeconds": 10', '"windowSeconds": 11'), /index\.json: content does not match/],
    ];
    for (const [file, change, refusal] of changes) {
      const before = readFileSync(file, 'utf8');
      writeFileSync(file, change(before));
      expect(change(before)).not.toBe(before);
      let message = 'no error';
      try {
        loadIndex(damaged);
      } catch (e) {
        message = (e as Error).message;
      }
      writeFileSync(file, before);
      expect(message.split('\n')).toHaveLength(1);
      expect(message).toMatch(refusal);
    }
  });

  it(
    'finds the other examples of a class taught from 5 examples above ' + 'the base rate, and exports them as a cohort',
    async () => {
      const out = join(root, 'index-manifest');
      const bankFile = join(root, 'jet5.json');
      const enroll = await runCli([
        'enroll',
        '--model',
        modelDir,
        '--manifest',
        cohortDir,
        '--classes',
        'jet,vt',
        '--shots',
        '5',
        '--out',
        bankFile,
      ]);
      expect(enroll.code).toBe(0);
      const rows = readCohort(cohortDir).rows;
      const jet = rows.filter((r) => r.labels.includes('jet')).length;
      const K = jet - 5;
      const exportDir = join(root, 'hits');
      const run = await runCli([
        'search',
        out,
        '--bank',
        bankFile,
        '--class',
        'jet',
        '--top',
        String(K),
        '--json',
        '--export-manifest',
        exportDir,
      ]);
      expect(run.code).toBe(0);
      const result = JSON.parse(run.stdout) as { searches: ClassSearch[] };
      const search = result.searches[0] as ClassSearch;
      expect(search.class).toBe('jet');
      // The bank's own examples would lead the ranking; they are left out of it.
      expect(search.enrolledExcluded).toBeGreaterThan(0);
      const enrolled = new Set(
        (JSON.parse(readFileSync(bankFile, 'utf8')) as { examples: Array<{ record: string }> }).examples.map((e) =>
          join(cohortDir, e.record),
        ),
      );
      expect(search.hits.filter((h) => enrolled.has(h.record))).toEqual([]);
      expect(search.hits).toHaveLength(K);
      const probabilities = search.hits.map((h) => h.probability);
      expect(probabilities).toEqual([...probabilities].sort((a, b) => b - a));
      const precision = precisionAtK(search.hits, 'jet', K);
      // Base rate: the share of the other jet recordings among the recordings searched.
      expect(precision).toBeGreaterThan(K / (rows.length - 5));
      const exported = readCohort(exportDir).rows;
      expect(exported.map((r) => r.recordPath)).toEqual(search.hits.map((h) => h.record));
      expect(exported.every((r) => r.labels[0] === 'jet')).toBe(true);
    },
  );
});

describe('recordingWindows', () => {
  const ecg = (seconds: number, fs = 100) => ({
    fs,
    leads: ['I'],
    units: ['mV'],
    signals: [Float64Array.from({ length: seconds * fs }, (_, i) => i)],
  });
  it('keeps a recording shorter than one and a half windows whole', () => {
    expect(recordingWindows(ecg(14), 10).map((w) => w.window)).toEqual([null]);
  });
  it('cuts a long recording into non-overlapping windows from its start, leaving out a short tail', () => {
    const windows = recordingWindows(ecg(35), 10);
    expect(windows.map((w) => w.window)).toEqual([
      { startS: 0, endS: 10 },
      { startS: 10, endS: 20 },
      { startS: 20, endS: 30 },
    ]);
    expect(windows[1]?.ecg.signals[0]?.[0]).toBe(1000);
    expect(windows[1]?.ecg.signals[0]?.length).toBe(1000);
  });
});

describe('precisionAtK', () => {
  const hit = (labels: string[]) => ({ labels }) as never;
  it('counts hits beyond the list as misses', () => {
    expect(precisionAtK([hit(['jet']), hit(['nsr'])], 'jet', 4)).toBe(0.25);
  });
});
