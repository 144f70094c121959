import { createHash } from 'node:crypto';
import { basename, resolve } from 'node:path';
import { Redis } from 'ioredis';
import { FewbeatError } from '../errors.js';
import type { ArchiveUnit } from './archive-units.js';

/**
 * Where the distributed `fewbeat index` meets its `fewbeat worker` processes: a Redis server, the
 * prefix of every key fewbeat keeps there, and the BullMQ queue of each index.
 *
 *     <prefix>:index-queues        a Redis set: the queue names of the indexes being built (workers
 *                                  serve every queue listed; the coordinator adds its own, and removes
 *                                  it when the index is finalised)
 *     <prefix>:<queue name>:…      BullMQ's keys for one index's queue
 *
 * The queue of an index is named after its folder: `index-<folder name>-<first 16 hex of the
 * SHA-256 of its absolute path>`, so two indexes never share a queue. Paths travel in the jobs as
 * they are: every machine sees the archive, the model and the index at the same paths (a shared
 * filesystem mounted alike).
 */
export interface QueueConnection {
  /** `redis://[user:password@]host[:port][/db]` or `rediss://…` (TLS). */
  url: string;
  /** Prefix of every key. @default 'fewbeat' */
  prefix: string;
}

/** The job of one slice of an archive: embed `units` into a staged shard of the index at `index`. */
export interface IndexJobData {
  /** Position of the job in the coordinator's plan: the order in which staged shards are merged. */
  job: number;
  /** Absolute path of the index folder (its header written by the coordinator). */
  index: string;
  /** Absolute path of the model directory, and the SHA-256 of its config.json the index was built with. */
  model: string;
  configSha256: string;
  measurements: 'needed' | 'all';
  engine: 'onnx' | 'tfjs';
  units: ArchiveUnit[];
}

/** What a worker reports for a finished job (BullMQ's return value). */
export interface IndexJobResult {
  units: number;
  alreadyIndexed: number;
  embedded: number;
  duplicates: number;
  skipped: number;
  /** Base name of the staged shard written (null: every unit was already indexed). */
  staged: string | null;
}

export const DEFAULT_PREFIX = 'fewbeat';

/** The Redis set listing the queues of the indexes being built. */
export function queueRegistryKey(prefix: string): string {
  return `${prefix}:index-queues`;
}

/** The BullMQ queue name of the index at `dir` (see {@link QueueConnection}). */
export function indexQueueName(dir: string): string {
  const abs = resolve(dir);
  const name = basename(abs).replace(/[^A-Za-z0-9_.-]/g, '_');
  return `index-${name}-${createHash('sha256').update(abs).digest('hex').slice(0, 16)}`;
}

/** A checked queue connection: the URL parsed, or a one-line error naming the option. */
export function queueConnection(url: string, prefix = DEFAULT_PREFIX): QueueConnection {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new FewbeatError(`--queue: not a Redis URL: '${url}' (expected redis://host:port)`);
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:')
    throw new FewbeatError(`--queue: not a Redis URL: '${url}' (expected redis://host:port or rediss://…)`);
  if (!/^[A-Za-z0-9_.-]+$/.test(prefix))
    throw new FewbeatError(`--queue-prefix: '${prefix}' may hold only letters, digits, '_', '.' and '-'`);
  return { url, prefix };
}

/** The connection options BullMQ queues and workers of `c` are opened with. */
export function bullConnection(c: QueueConnection): { url: string; maxRetriesPerRequest: null } {
  return { url: c.url, maxRetriesPerRequest: null };
}

/** `url` with its password hidden, for messages and logs. */
export function redactedUrl(url: string): string {
  const u = new URL(url);
  if (u.password) u.password = '***';
  return u.toString();
}

/**
 * A plain Redis client of `c`, connected once without retrying: an unreachable server or a refused
 * password is one line naming the URL, not an endless reconnection loop.
 */
export async function connectRedis(c: QueueConnection): Promise<Redis> {
  const redis = new Redis(c.url, {
    lazyConnect: true,
    connectTimeout: 3000,
    maxRetriesPerRequest: 1,
    retryStrategy: () => null,
  });
  // The socket's error (ECONNREFUSED, ENOTFOUND, a refused password) says more than connect()'s "Connection is closed".
  let socketError: string | null = null;
  redis.on('error', (e: Error) => {
    socketError ??= e.message;
  });
  try {
    await redis.connect();
    await redis.ping();
  } catch (e) {
    redis.disconnect();
    const why = (socketError ?? (e instanceof Error ? e.message : String(e))).split('\n')[0];
    throw new FewbeatError(`cannot reach Redis at ${redactedUrl(c.url)}: ${why}`);
  }
  return redis;
}
