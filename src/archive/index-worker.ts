import { randomBytes } from 'node:crypto';
import { Worker, UnrecoverableError, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { isFewbeatError } from '../errors.js';
import { modelConfigSha256, readModelDir } from '../model-dir/model-dir.js';
import { initBackend } from '../runtime/backend.js';
import { embedUnits } from './embed-units.js';
import { IndexEmbedder } from './index-embedder.js';
import { committedShards, readAllEntries, readIndexHeader, type IndexEntry } from './index-format.js';
import { IndexLedger } from './index-ledger.js';
import {
  bullConnection,
  connectRedis,
  queueRegistryKey,
  type IndexJobData,
  type IndexJobResult,
  type QueueConnection,
} from './index-queue.js';
import { writeStagedShard } from './staged-shards.js';

/** Options of {@link IndexWorkers}. */
export interface IndexWorkerOptions {
  /** Jobs processed at once per index queue (BullMQ `concurrency`). @default 1 */
  concurrency?: number;
  /** Decode worker threads per model (0: decode in this thread, one core per process). @default 0 */
  threads?: number;
  /**
   * Seconds a job's lock lasts without renewal (BullMQ `lockDuration`; renewed every half): a job
   * of a worker killed or cut off is given to another worker after about this long. @default 30
   */
  lockSeconds?: number;
  /** How often the list of index queues is read, ms. @default 1000 */
  pollMs?: number;
  /** One line per event (queue served, job done or failed), for the worker's log. */
  log?: (line: string) => void;
}

/**
 * A `fewbeat worker` process: serves every index queue listed in Redis (`<prefix>:index-queues`,
 * read every `pollMs`), one BullMQ worker per queue. A job embeds its units with the local index's
 * code ({@link embedUnits}, one {@link IndexEmbedder} per model, kept for the process's life),
 * against the index's committed entries ({@link IndexLedger}: a unit already merged is not read
 * again), and stages the result as one shard pair under `INDEX/staging/` ({@link writeStagedShard})
 * named by the job and a fresh token. A job failing on a deterministic error (another model, no
 * index at that path) fails at once ({@link UnrecoverableError}); any other error is retried with
 * the queue's backoff. {@link close} lets the active jobs finish (SIGTERM), `close(true)` does not.
 */
export class IndexWorkers {
  private readonly workers = new Map<string, Worker<IndexJobData, IndexJobResult>>();
  private readonly embedders = new Map<string, Promise<IndexEmbedder>>();
  private readonly ledgers = new Map<string, { shards: string; entries: IndexEntry[] }>();
  private timer: NodeJS.Timeout | null = null;
  private polling: Promise<void> = Promise.resolve();
  private closed = false;

  private constructor(
    private readonly connection: QueueConnection,
    private readonly redis: Redis,
    private readonly options: Required<Omit<IndexWorkerOptions, 'log'>> & Pick<IndexWorkerOptions, 'log'>,
  ) {}

  /** Connect (a one-line error when Redis cannot be reached) and start serving the listed queues. */
  static async start(connection: QueueConnection, options: IndexWorkerOptions = {}): Promise<IndexWorkers> {
    const redis = await connectRedis(connection);
    const workers = new IndexWorkers(connection, redis, {
      concurrency: options.concurrency ?? 1,
      threads: options.threads ?? 0,
      lockSeconds: options.lockSeconds ?? 30,
      pollMs: options.pollMs ?? 1000,
      log: options.log,
    });
    await workers.poll();
    workers.timer = setInterval(() => {
      workers.polling = workers.polling.then(() => workers.poll());
    }, workers.options.pollMs);
    return workers;
  }

  /** The queues served now. */
  queues(): string[] {
    return [...this.workers.keys()];
  }

  /** Start a worker for each newly listed queue; close those of queues no longer listed (their index finalised). */
  private async poll(): Promise<void> {
    if (this.closed) return;
    let listed: string[];
    try {
      listed = await this.redis.smembers(queueRegistryKey(this.connection.prefix));
    } catch (e) {
      this.options.log?.(`cannot read the queue list: ${(e as Error).message.split('\n')[0]}`);
      return;
    }
    for (const name of listed) {
      if (this.workers.has(name) || this.closed) continue;
      const lock = this.options.lockSeconds * 1000;
      const worker = new Worker<IndexJobData, IndexJobResult>(name, (job) => this.process(job), {
        connection: bullConnection(this.connection),
        prefix: this.connection.prefix,
        concurrency: this.options.concurrency,
        lockDuration: lock,
        stalledInterval: Math.max(1000, lock / 2),
        maxStalledCount: 3,
      });
      worker.on('error', (e) => this.options.log?.(`queue ${name}: ${e.message.split('\n')[0]}`));
      worker.on('failed', (job, e) =>
        this.options.log?.(`job ${job?.id ?? '?'} failed (attempt ${job?.attemptsMade ?? '?'}): ${e.message}`),
      );
      this.workers.set(name, worker);
      this.options.log?.(`serving queue ${name}`);
    }
    for (const [name, worker] of this.workers) {
      if (listed.includes(name)) continue;
      this.workers.delete(name);
      await worker.close();
      this.options.log?.(`queue ${name} finished`);
    }
  }

  /** The committed entries of the index at `dir`, read again only when its committed shards changed. */
  private committedEntries(dir: string): IndexEntry[] {
    const shards = committedShards(dir).join(',');
    const cached = this.ledgers.get(dir);
    if (cached?.shards === shards) return cached.entries;
    const entries = readAllEntries(dir);
    this.ledgers.set(dir, { shards, entries });
    return entries;
  }

  /** The embedder of a job's model, opened once per (model, engine); another model than the index's is refused. */
  private embedder(data: IndexJobData): Promise<IndexEmbedder> {
    const id = `${data.model}\0${data.configSha256}\0${data.engine}`;
    let embedder = this.embedders.get(id);
    if (!embedder) {
      embedder = (async () => {
        if (modelConfigSha256(data.model) !== data.configSha256)
          throw new UnrecoverableError(
            `${data.model}: this model is not the one the index was built with (its config.json differs)`,
          );
        await initBackend();
        return IndexEmbedder.create(readModelDir(data.model), { engine: data.engine, threads: this.options.threads });
      })();
      // A failed opening is not kept: the next job tries again.
      embedder.catch(() => this.embedders.delete(id));
      this.embedders.set(id, embedder);
    }
    return embedder;
  }

  private async process(job: Job<IndexJobData, IndexJobResult>): Promise<IndexJobResult> {
    const t0 = performance.now();
    const data = job.data;
    const jobId = job.id as string;
    this.options.log?.(`job ${jobId}: started, ${data.units.length} units (attempt ${job.attemptsMade + 1})`);
    try {
      const header = readIndexHeader(data.index);
      if (!header)
        throw new UnrecoverableError(
          `${data.index}: no index.json: this machine does not see the index folder at the coordinator's path`,
        );
      if (header.model.configSha256 !== data.configSha256)
        throw new UnrecoverableError(`${data.index}: the index was built with another model than this job's`);
      const embedder = await this.embedder(data);
      const ledger = new IndexLedger(this.committedEntries(data.index));
      const token = randomBytes(6).toString('hex');
      let staged: string | null = null;
      const done = await embedUnits(data.units, embedder, ledger, {
        windowSeconds: header.windowSeconds,
        shardWindows: Infinity,
        measurements: data.measurements,
        onShard: (rows, entries) => {
          writeStagedShard(data.index, jobId, token, header, rows, entries);
          staged = `${jobId}.${token}`;
        },
      });
      const result: IndexJobResult = {
        units: data.units.length,
        alreadyIndexed: done.alreadyIndexed,
        embedded: done.embedded,
        duplicates: done.duplicates,
        skipped: done.skipped.length,
        staged,
      };
      this.options.log?.(
        `job ${jobId}: done, ${result.units} units, ${result.embedded} windows embedded in ` +
          `${((performance.now() - t0) / 1000).toFixed(1)} s`,
      );
      return result;
    } catch (e) {
      // A fewbeat error of the job's data (e.g. the model folder unreadable here) fails the same way on every attempt.
      if (isFewbeatError(e)) throw new UnrecoverableError(e.message);
      throw e;
    }
  }

  /** Stop taking jobs; wait for the active ones to finish (unless `force`), then release models and connections. */
  async close(force = false): Promise<void> {
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    await this.polling;
    await Promise.all([...this.workers.values()].map((w) => w.close(force)));
    this.workers.clear();
    const embedders = await Promise.allSettled(this.embedders.values());
    for (const e of embedders) {
      if (e.status !== 'fulfilled') continue;
      await e.value.close();
      e.value.trained.model.dispose();
    }
    this.embedders.clear();
    this.redis.disconnect();
  }
}
