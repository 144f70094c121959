import { createHash } from 'node:crypto';
import { resolve } from 'node:path';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { FewbeatError } from '../errors.js';
import { modelConfigSha256, type TrainedModelDir } from '../model-dir/model-dir.js';
import type { ArchiveUnit } from './archive-units.js';
import { openIndexHeader } from './build-index.js';
import { finishReembedding, indexTarget, type Reembedding, type ReembedOptions } from './index-generations.js';
import { IndexEmbedder } from './index-embedder.js';
import {
  bullConnection,
  connectRedis,
  indexQueueName,
  queueRegistryKey,
  type IndexJobData,
  type IndexJobResult,
  type QueueConnection,
} from './index-queue.js';
import { withIndexLock, type IndexLockOptions } from './index-lock.js';
import { mergeStagedShards } from './staged-shards.js';

/** Options of {@link runIndexCoordinator}. */
export interface CoordinatorOptions extends ReembedOptions {
  /** Archive units per job. @default 64 */
  shardRecords?: number;
  /** Windows per committed shard of the merged index. @default 512 */
  shardWindows?: number;
  /** Window length for long recordings, seconds. @default 10 */
  windowSeconds?: number;
  measurements?: 'needed' | 'all';
  engine?: 'onnx' | 'tfjs';
  /** Deliveries of a job before it fails (BullMQ `attempts`, exponential backoff from 1 s). @default 3 */
  attempts?: number;
  /** How often the queue's counts are read, ms. @default 1000 */
  pollMs?: number;
  /** Called at each reading of the queue's counts. */
  onProgress?: (status: QueueStatus) => void;
  /** The index folder's lock ({@link withIndexLock}). */
  lock?: IndexLockOptions;
}

/** The state of an index's queue, as any machine reading Redis sees it. */
export interface QueueStatus {
  queue: string;
  /** Jobs in the queue, whatever their state. */
  jobs: number;
  completed: number;
  failed: number;
  active: number;
  /** Waiting, delayed (a retry's backoff) or prioritised. */
  waiting: number;
  /** Worker connections serving the queue. */
  workers: number;
}

/** What a distributed index run did (once its jobs were merged). */
export interface DistributedIndexResult {
  queue: string;
  units: number;
  jobs: number;
  /** Units found already in the index by the workers (same content, same record). */
  alreadyIndexed: number;
  /** Windows added to the index (each unit key's rows once, whatever the deliveries). */
  embedded: number;
  duplicates: number;
  skipped: Array<{ record: string; reason: string }>;
  /** Staged entries dropped at the merge because the index already held them (a job delivered twice). */
  dropped: number;
  shardsWritten: number;
  seconds: number;
  /** When the run re-embedded the index for another model: how far, and whether it switched. */
  reembedding: Reembedding | null;
}

/** The counts of a queue (see {@link QueueStatus}). */
async function countsOf(queue: Queue, name: string): Promise<QueueStatus> {
  const c = await queue.getJobCounts('completed', 'failed', 'active', 'waiting', 'delayed', 'prioritized');
  const n = (k: string): number => c[k] ?? 0;
  const waiting = n('waiting') + n('delayed') + n('prioritized');
  return {
    queue: name,
    jobs: n('completed') + n('failed') + n('active') + waiting,
    completed: n('completed'),
    failed: n('failed'),
    active: n('active'),
    waiting,
    workers: await queue.getWorkersCount(),
  };
}

/** The state of the queue of the index at `dir`, read from Redis (`fewbeat index --status`). */
export async function indexQueueStatus(connection: QueueConnection, dir: string): Promise<QueueStatus> {
  const redis = await connectRedis(connection);
  const name = indexQueueName(dir);
  // Read only: the queue's metadata is left as it is (or absent).
  const queue = new Queue(name, {
    connection: bullConnection(connection),
    prefix: connection.prefix,
    skipMetasUpdate: true,
  });
  try {
    return await countsOf(queue, name);
  } finally {
    await queue.close();
    redis.disconnect();
  }
}

/**
 * The jobs of an archive: its units in slices of `size`, in order. A job's id is its position and
 * the SHA-256 of what it asks (its units, the model, the options), so that the same archive
 * planned again gives the same ids: BullMQ does not add a job whose id it holds, and a coordinator
 * run again continues the jobs of the one killed.
 */
function planJobs(
  units: readonly ArchiveUnit[],
  size: number,
  base: Omit<IndexJobData, 'job' | 'units'>,
): Array<{ id: string; data: IndexJobData }> {
  const jobs: Array<{ id: string; data: IndexJobData }> = [];
  for (let at = 0, job = 0; at < units.length; at += size, job++) {
    const data: IndexJobData = { ...base, job, units: units.slice(at, at + size) };
    const hash = createHash('sha256').update(JSON.stringify(data)).digest('hex').slice(0, 16);
    jobs.push({ id: `${String(job).padStart(6, '0')}-${hash}`, data });
  }
  return jobs;
}

/**
 * `fewbeat index --queue`: build the index at `dir` with `fewbeat worker` processes on any number of
 * machines. The coordinator writes the index header (checking an existing index's model), splits
 * the units into jobs of `shardRecords` units ({@link planJobs}), adds them to the index's BullMQ
 * queue (`attempts` deliveries with exponential backoff) and lists the queue in Redis for the
 * workers; it then reads the queue's counts every `pollMs` until every job has finished, merges the
 * staged shards in job order ({@link mergeStagedShards}: one embedding per unit key) and removes
 * the queue. Jobs that failed every attempt stop the run before the merge with their reason; run
 * again, the coordinator retries them. Killed at any point, run again, it continues: the same jobs,
 * the staged shards kept, a merge that drops what is already merged. It holds the index folder's lock
 * throughout ({@link withIndexLock}): a second coordinator, or a local run, on the same index is refused.
 */
export async function runIndexCoordinator(
  connection: QueueConnection,
  dir: string,
  units: readonly ArchiveUnit[],
  trained: TrainedModelDir,
  options: CoordinatorOptions = {},
): Promise<DistributedIndexResult> {
  const t0 = performance.now();
  return withIndexLock(dir, (check) => coordinate(connection, dir, units, trained, options, check, t0), options.lock);
}

/** {@link runIndexCoordinator} with the index lock held; `check` before the merge. */
async function coordinate(
  connection: QueueConnection,
  dir: string,
  units: readonly ArchiveUnit[],
  trained: TrainedModelDir,
  options: CoordinatorOptions,
  check: () => void,
  t0: number,
): Promise<DistributedIndexResult> {
  const redis = await connectRedis(connection);
  const name = indexQueueName(dir);
  const queue = new Queue<IndexJobData, IndexJobResult>(name, {
    connection: bullConnection(connection),
    prefix: connection.prefix,
  });
  try {
    // The header first (the workers stage shards against it); the tfjs model gives its dimension.
    const configSha256 = modelConfigSha256(trained.dir);
    const target = indexTarget(dir, configSha256, options.reembed ?? false);
    const embedder = await IndexEmbedder.create(trained, { engine: 'tfjs' });
    try {
      openIndexHeader(target.dir, embedder, options.windowSeconds ?? 10);
    } finally {
      await embedder.close();
    }
    const jobs = planJobs(units, options.shardRecords ?? 64, {
      index: resolve(target.dir),
      model: resolve(trained.dir),
      configSha256,
      measurements: options.measurements ?? 'needed',
      engine: options.engine ?? 'onnx',
    });
    await refuseOtherRunsJobs(queue, name, jobs[0]?.data ?? null);
    await enqueue(queue, redis, connection, name, jobs, options.attempts ?? 3);
    const status = await waitForJobs(queue, name, options);
    if (status.failed > 0) {
      const [first] = await queue.getFailed(0, 0);
      throw new FewbeatError(
        `${status.failed} of ${status.jobs} jobs of queue ${name} failed on every attempt` +
          `${first ? ` (job ${first.id}: ${first.failedReason})` : ''}; run the same command again to retry them`,
      );
    }
    const results = await completedResults(queue);
    check();
    const merged = mergeStagedShards(
      target.dir,
      jobs.map((j) => j.id),
      options.shardWindows ?? 512,
    );
    const reembedding = finishReembedding(dir, target, { force: options.switchIncomplete ?? false, check });
    await removeQueue(queue, redis, connection, name, options.pollMs ?? 1000);
    return {
      queue: name,
      units: units.length,
      jobs: jobs.length,
      alreadyIndexed: results.reduce((s, r) => s + r.alreadyIndexed, 0),
      embedded: merged.windows,
      duplicates: merged.duplicates,
      skipped: merged.skipped,
      dropped: merged.dropped,
      shardsWritten: merged.shardsWritten,
      seconds: (performance.now() - t0) / 1000,
      reembedding,
    };
  } finally {
    await queue.close();
    redis.disconnect();
  }
}

/**
 * Refuse to add jobs to a queue that holds those of a run with another model or into another
 * generation of the index (a re-embedding killed half-way, then a run with the index's model): the
 * run would wait for, count and remove the other run's jobs.
 */
async function refuseOtherRunsJobs(
  queue: Queue<IndexJobData, IndexJobResult>,
  name: string,
  ours: IndexJobData | null,
): Promise<void> {
  if (ours === null) return;
  const held = await queue.getJobs(['waiting', 'active', 'delayed', 'prioritized', 'failed', 'completed'], 0, 0);
  const other = held.find((j) => j.data.configSha256 !== ours.configSha256 || j.data.index !== ours.index);
  if (other)
    throw new FewbeatError(
      `queue ${name} holds the jobs of an unfinished run with another model (${other.data.model}): run that ` +
        'command again to finish it first',
    );
}

/** Add the jobs (those the queue holds already are left as they are), retry failed ones, list the queue for workers. */
async function enqueue(
  queue: Queue<IndexJobData, IndexJobResult>,
  redis: Redis,
  connection: QueueConnection,
  name: string,
  jobs: ReadonlyArray<{ id: string; data: IndexJobData }>,
  attempts: number,
): Promise<void> {
  const BULK = 500;
  for (let at = 0; at < jobs.length; at += BULK)
    await queue.addBulk(
      jobs.slice(at, at + BULK).map((j) => ({
        name: 'embed',
        data: j.data,
        opts: { jobId: j.id, attempts, backoff: { type: 'exponential', delay: 1000 } },
      })),
    );
  await queue.retryJobs({ state: 'failed' });
  await redis.sadd(queueRegistryKey(connection.prefix), name);
}

/**
 * Remove a finished queue: unlisted first, so that the workers close theirs (within their polling
 * period; waited for up to 10 periods), then its keys (BullMQ `obliterate`), which a worker still
 * attached would partly write again.
 */
async function removeQueue(
  queue: Queue,
  redis: Redis,
  connection: QueueConnection,
  name: string,
  pollMs: number,
): Promise<void> {
  await redis.srem(queueRegistryKey(connection.prefix), name);
  for (let i = 0; i < 10 && (await queue.getWorkersCount()) > 0; i++) await new Promise((r) => setTimeout(r, pollMs));
  await queue.obliterate({ force: true });
}

/** Read the queue's counts every `pollMs` until no job waits or runs. */
async function waitForJobs(queue: Queue, name: string, options: CoordinatorOptions): Promise<QueueStatus> {
  for (;;) {
    const status = await countsOf(queue, name);
    options.onProgress?.(status);
    if (status.active === 0 && status.waiting === 0) return status;
    await new Promise((r) => setTimeout(r, options.pollMs ?? 1000));
  }
}

/** The results of every completed job, read in pages. */
async function completedResults(queue: Queue<IndexJobData, IndexJobResult>): Promise<IndexJobResult[]> {
  const out: IndexJobResult[] = [];
  const PAGE = 1000;
  for (let at = 0; ; at += PAGE) {
    const page = await queue.getCompleted(at, at + PAGE - 1);
    out.push(...page.map((j) => j.returnvalue));
    if (page.length < PAGE) return out;
  }
}
