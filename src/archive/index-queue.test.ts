import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readModelDir } from '../model-dir/model-dir.js';
import { buildCliForChildProcess } from '../test-utils/cli-process.js';
import { runCli } from '../test-utils/run-cli.js';
import { otherPrototypeSpaceModel, tinyModel } from '../test-utils/tiny-model.js';
import { listArchiveUnits } from './archive-units.js';
import { buildIndex, openIndexHeader } from './build-index.js';
import { embedUnits } from './embed-units.js';
import { IndexEmbedder } from './index-embedder.js';
import { loadIndex, type LoadedIndex, type WindowEntry } from './index-format.js';
import { IndexLedger } from './index-ledger.js';
import { bullConnection, indexQueueName, queueRegistryKey } from './index-queue.js';
import { mergeStagedShards, STAGING_DIR, writeStagedShard } from './staged-shards.js';

/**
 * The distributed index against the Redis server at `REDIS_URL` (default redis://127.0.0.1:6379),
 * under a key prefix of its own, removed at the end: `fewbeat worker` child processes on loopback,
 * one of them killed with SIGKILL inside a job, and the coordinator killed and run again.
 */
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const PREFIX = `fewbeat-test-${process.pid}-${Date.now().toString(36)}`;

/** A child process of the CLI, its stderr collected. */
interface Child {
  process: ChildProcess;
  stderr: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string }>;
}

function startCli(bin: string, args: string[]): Child {
  const child = spawn(process.execPath, [bin, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  let stdout = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string }>((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal, stdout })),
  );
  return { process: child, stderr: () => stderr, exited };
}

/** Resolves when `test` holds for the child's stderr (checked every 20 ms), rejects after `ms`. */
async function waitFor(child: Child, test: (stderr: string) => boolean, ms = 60_000): Promise<void> {
  const t0 = Date.now();
  while (!test(child.stderr())) {
    if (Date.now() - t0 > ms) throw new Error(`timed out; stderr so far:\n${child.stderr()}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** The window entries without their row number (which depends on where shards end). */
const entriesOf = (index: LoadedIndex): Array<Omit<WindowEntry, 'row'>> =>
  index.windows.map(({ row: _row, ...rest }) => rest);

describe('fewbeat index on a Redis queue with fewbeat worker processes', () => {
  let root: string;
  let modelDir: string;
  let cohortDir: string;
  let cliRoot: string;
  let bin: string;
  let local: LoadedIndex;
  const workers: Child[] = [];

  beforeAll(async () => {
    ({ root, cohortDir, modelDir } = await tinyModel());
    ({ root: cliRoot, bin } = await buildCliForChildProcess());
    const out = join(root, 'index-local');
    const run = await runCli(['index', cohortDir, '--model', modelDir, '--out', out, '--threads', '0', '--json']);
    expect(run.code, run.stderr).toBe(0);
    local = loadIndex(out);
  });

  afterAll(async () => {
    for (const w of workers) w.process.kill('SIGKILL');
    const redis = new Redis(REDIS_URL);
    const keys: string[] = [];
    let cursor = '0';
    do {
      const [next, found] = await redis.scan(cursor, 'MATCH', `${PREFIX}:*`, 'COUNT', 1000);
      cursor = next;
      keys.push(...found);
    } while (cursor !== '0');
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
    rmSync(root, { recursive: true, force: true });
    rmSync(cliRoot, { recursive: true, force: true });
  });

  it(
    'completes the index with a worker killed inside a job and the coordinator killed and run again: ' +
      'every record once, the rows of a local run',
    async () => {
      const out = join(root, 'index-queued');
      const queue = ['--queue', REDIS_URL, '--queue-prefix', PREFIX];
      for (let i = 0; i < 3; i++) workers.push(startCli(bin, ['worker', ...queue, '--lock-seconds', '2']));
      const jobs = Math.ceil(listArchiveUnits(cohortDir).units.length / 4);
      const indexArgs = ['index', cohortDir, '--model', modelDir, '--out', out, ...queue, '--shard-records', '4'];
      const first = startCli(bin, [...indexArgs, '--json']);
      // The first worker to start a job is killed a moment later, inside it.
      const started = /job (\S+): started/;
      await Promise.race(workers.map((w) => waitFor(w, (s) => started.test(s))));
      const victim = workers.find((w) => started.test(w.stderr())) as Child;
      await new Promise((r) => setTimeout(r, 50));
      victim.process.kill('SIGKILL');
      const killedJob = started.exec(victim.stderr())?.[1] as string;
      expect(victim.stderr()).not.toContain(`job ${killedJob}: done`);
      // The coordinator is killed once a job is done, then run again: it continues the same jobs.
      await waitFor(first, (s) => /index [1-9]\d*\/\d+ jobs/.test(s));
      first.process.kill('SIGKILL');
      const again = startCli(bin, [...indexArgs, '--json']);
      // Meanwhile any machine sees the queue's progress.
      const status = await runCli(['index', '--status', '--out', out, ...queue, '--json']);
      expect(status.code, status.stderr).toBe(0);
      expect(JSON.parse(status.stdout)).toMatchObject({ queue: indexQueueName(out), jobs });
      const finished = await again.exited;
      expect(finished.code, again.stderr()).toBe(0);
      const result = JSON.parse(finished.stdout) as { jobs: number; embedded: number; skipped: unknown[] };
      expect(result).toMatchObject({ jobs, embedded: local.windows.length, skipped: [] });
      // The killed worker's job was delivered again, to another worker.
      expect(workers.filter((w) => w !== victim).some((w) => w.stderr().includes(`job ${killedJob}: done`))).toBe(true);

      const queued = loadIndex(out);
      expect(entriesOf(queued)).toEqual(entriesOf(local));
      expect(new Set(queued.windows.map((w) => w.key)).size).toBe(queued.windows.length);
      expect(Array.from(queued.vectors)).toEqual(Array.from(local.vectors));
      expect(Array.from(queued.clinical)).toEqual(Array.from(local.clinical));
      expect(existsSync(join(out, STAGING_DIR))).toBe(false);
      const redis = new Redis(REDIS_URL);
      expect(await redis.smembers(queueRegistryKey(PREFIX))).toEqual([]);
      expect(await redis.keys(`${PREFIX}:${indexQueueName(out)}:*`)).toEqual([]);
      redis.disconnect();

      // SIGTERM: the live workers finish and exit cleanly.
      const live = workers.filter((w) => w !== victim);
      for (const w of live) w.process.kill('SIGTERM');
      for (const w of live) {
        expect((await w.exited).code, w.stderr()).toBe(0);
        expect(w.stderr()).toContain('stopped');
      }
    },
  );

  it('merges a job delivered twice and a half-written staged shard into each record once', async () => {
    const trained = readModelDir(modelDir);
    const units = listArchiveUnits(cohortDir).units.slice(0, 12);
    const out = join(root, 'index-merged');
    const embedder = await IndexEmbedder.create(trained);
    try {
      const header = openIndexHeader(out, embedder, 10);
      const stage = async (jobId: string, token: string, from: number, to: number): Promise<void> => {
        await embedUnits(units.slice(from, to), embedder, new IndexLedger(), {
          windowSeconds: 10,
          shardWindows: Infinity,
          measurements: 'needed',
          onShard: (rows, entries) => writeStagedShard(out, jobId, token, header, rows, entries),
        });
      };
      await stage('000000-a', 'first', 0, 6);
      await stage('000000-a', 'second', 0, 6);
      await stage('000001-b', 'first', 6, 12);
      // A worker killed between the matrix and the entries: a matrix without its commit, and a temporary file.
      writeFileSync(join(out, STAGING_DIR, '000001-b.killed.f32'), Buffer.alloc(100));
      writeFileSync(join(out, STAGING_DIR, '000001-b.killed.jsonl.123.0.0.tmp'), '{"kind":');
      const merged = mergeStagedShards(out, ['000000-a', '000001-b'], 512);
      expect(merged).toMatchObject({ windows: 12, duplicates: 0, dropped: 6 });
      // A merge run again (a coordinator killed after merging, before removing its queue) adds nothing.
      mkdirSync(join(out, STAGING_DIR));
      await stage('000001-b', 'third', 6, 12);
      expect(mergeStagedShards(out, ['000000-a', '000001-b'], 512)).toMatchObject({ windows: 0, dropped: 6 });
      const reference = join(root, 'index-reference');
      await buildIndex(reference, units, trained);
      const a = loadIndex(out);
      const b = loadIndex(reference);
      expect(entriesOf(a)).toEqual(entriesOf(b));
      expect(Array.from(a.vectors)).toEqual(Array.from(b.vectors));
      expect(readdirSync(out)).not.toContain(STAGING_DIR);
    } finally {
      await embedder.close();
      trained.model.dispose();
    }
  });

  it('re-embeds the index for a new model on workers, then switches to it as a local run does', async () => {
    const other = otherPrototypeSpaceModel(modelDir, join(root, 'other-model'));
    const queued = join(root, 'index-reembed-queued');
    const localRun = join(root, 'index-reembed-local');
    for (const out of [queued, localRun])
      expect((await runCli(['index', cohortDir, '--model', modelDir, '--out', out, '--threads', '0'])).code).toBe(0);
    const queue = ['--queue', REDIS_URL, '--queue-prefix', PREFIX];
    const worker = startCli(bin, ['worker', ...queue]);
    workers.push(worker);
    const reembed = ['--model', other, '--out', queued, ...queue, '--json', '--reembed'];
    const run = await runCli(['index', cohortDir, ...reembed]);
    expect(run.code, run.stderr).toBe(0);
    const records = local.windows.length;
    expect(JSON.parse(run.stdout)).toMatchObject({
      embedded: records,
      reembedding: { recordings: records, reembedded: records, switched: true },
    });
    const reference = await runCli([
      'index',
      cohortDir,
      '--model',
      other,
      '--out',
      localRun,
      '--threads',
      '0',
      '--reembed',
    ]);
    expect(reference.code, reference.stderr).toBe(0);
    const a = loadIndex(queued);
    const b = loadIndex(localRun);
    expect(a.header).toEqual(b.header);
    expect(a.header.model.configSha256).not.toBe(local.header.model.configSha256);
    expect(entriesOf(a)).toEqual(entriesOf(b));
    expect(Array.from(a.vectors)).toEqual(Array.from(b.vectors));
    worker.process.kill('SIGTERM');
    expect((await worker.exited).code, worker.stderr()).toBe(0);
  });

  it('refuses to add jobs to a queue holding those of an unfinished run with another model', async () => {
    const out = join(root, 'index-busy-queue');
    expect((await runCli(['index', cohortDir, '--model', modelDir, '--out', out, '--threads', '0'])).code).toBe(0);
    const queue = new Queue(indexQueueName(out), {
      connection: bullConnection({ url: REDIS_URL, prefix: PREFIX }),
      prefix: PREFIX,
    });
    try {
      // What a re-embedding killed half-way leaves: its jobs, for another model and the new generation's folder.
      const data = { index: join(out, 'gen-0123456789ab'), model: '/models/next', configSha256: 'c'.repeat(64) };
      await queue.add(
        'embed',
        { ...data, units: [], measurements: 'needed', engine: 'onnx' },
        { jobId: '000000-next' },
      );
      const run = await runCli([
        'index',
        cohortDir,
        '--model',
        modelDir,
        '--out',
        out,
        '--queue',
        REDIS_URL,
        '--queue-prefix',
        PREFIX,
      ]);
      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(
        new RegExp(
          String.raw`^error: queue \S+ holds the jobs of an unfinished run with another model \(/models/next\): ` +
            String.raw`run that command again to finish it first\n$`,
        ),
      );
    } finally {
      await queue.obliterate({ force: true });
      await queue.close();
    }
  });

  it('refuses in one line an unreachable Redis and a bad URL', async () => {
    const args = ['index', cohortDir, '--model', modelDir, '--out', join(root, 'index-unreachable')];
    const unreachable = await runCli([...args, '--queue', 'redis://127.0.0.1:1']);
    expect(unreachable.code).toBe(1);
    const refused = /^error: cannot reach Redis at redis:\/\/127\.0\.0\.1:1: connect ECONNREFUSED .+\n$/;
    expect(unreachable.stderr).toMatch(refused);
    const bad = await runCli(['worker', '--queue', 'http://127.0.0.1:6379']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/^error: --queue: not a Redis URL: 'http:\/\/127\.0\.0\.1:6379'.*\n$/);
    const status = await runCli(['index', '--status', '--out', join(root, 'x')]);
    expect(status.code).toBe(2);
  });
});
