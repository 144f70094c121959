import { join, resolve } from 'node:path';
import { Piscina } from 'piscina';
import { modelConfigSha256 } from '../../model-dir/model-dir.js';
import { INDEX_FILE, readIndexHeader } from '../../archive/index-format.js';
import type { ClassSearch } from '../../archive/search-index.js';
import { FewbeatError } from '../../errors.js';
import { workerEntryUrl } from '../../train/parallel/worker-entry-url.js';
import type { ArchiveCounts, ArchiveResult, ArchiveTask } from './archive-worker.js';

/** What the service tells about the archive index it searches. */
export interface ArchiveInfo extends ArchiveCounts {
  /** The index folder. */
  dir: string;
  /** SHA-256 of the config.json of the model that embedded the archive (the served model's). */
  modelConfigSha256: string;
  dim: number;
  windowSeconds: number;
  measurementFeatures: string[];
}

/**
 * The archive index `fewbeat serve --archive INDEX` searches. Its header is checked at start: the
 * served model must have embedded it (`index.json` records the SHA-256 of the model's config.json).
 * The index itself is loaded (every window's vector in one contiguous matrix, as `fewbeat search`
 * loads it) and searched on a worker thread of its own (archive-worker.ts), held once in memory: a
 * search is `searchIndex` (src/archive/search-index.ts), the function `fewbeat search` runs, whose
 * scan on ONNX Runtime blocks the thread that calls it. Searches run one after another on that
 * thread (piscina queues the rest), so that concurrent ones neither hold several scans' outputs at
 * once nor share the cores between them.
 */
export class ServedArchive {
  private constructor(
    private readonly pool: Piscina,
    readonly info: ArchiveInfo,
  ) {}

  /** Check the index at `dir` against the model at `modelDir`, then load it on the archive worker. */
  static async open(dir: string, modelDir: string): Promise<ServedArchive> {
    const header = readIndexHeader(dir);
    if (!header)
      throw new FewbeatError(`no ${INDEX_FILE} here: not a fewbeat archive index (write one with fewbeat index)`, {
        file: dir,
      });
    if (header.model.configSha256 !== modelConfigSha256(modelDir))
      throw new FewbeatError(
        `the archive index was built with another model (${header.model.dir}) than the served one ` +
          `(${resolve(modelDir)}): re-embed it with the served model (fewbeat index ARCHIVE --model ` +
          `${modelDir} --out ${dir} --reembed)`,
        { file: join(dir, INDEX_FILE) },
      );
    const entry = await workerEntryUrl(import.meta.url, 'archive-worker');
    const pool = new Piscina({
      filename: entry.href,
      workerData: { indexDir: resolve(dir), configSha256: header.model.configSha256 },
      minThreads: 1,
      maxThreads: 1,
      idleTimeout: Number.POSITIVE_INFINITY,
    });
    try {
      const counts = await run<ArchiveCounts>(pool, { op: 'info' });
      return new ServedArchive(pool, {
        dir: resolve(dir),
        ...counts,
        modelConfigSha256: header.model.configSha256,
        dim: header.dim,
        windowSeconds: header.windowSeconds,
        measurementFeatures: header.measurementFeatures,
      });
    } catch (e) {
      await pool.destroy();
      throw e;
    }
  }

  /**
   * Rank the archive for one class of a bank version (`bankKey` names it, `bankJson` is its stored
   * enrolment): the `top` windows by the bank's calibrated probability of the class, the bank's own
   * examples left out.
   */
  search(bankKey: string, bankJson: string, className: string, top: number): Promise<ClassSearch> {
    return run(this.pool, { op: 'search', bankKey, bankJson, className, top });
  }

  async close(): Promise<void> {
    await this.pool.destroy();
  }
}

/** Run a task on the archive worker; a refusal comes back as its one-line `FewbeatError`. */
async function run<T>(pool: Piscina, task: ArchiveTask): Promise<T> {
  const result = (await pool.run(task)) as ArchiveResult<T>;
  if (!result.ok) throw new FewbeatError(result.message);
  return result.value;
}
