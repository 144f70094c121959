import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { Piscina } from 'piscina';
import { clinicalSchemaSchema } from '../../clinical/schema.js';
import { FewbeatError } from '../../errors.js';
import type { PrototypeBank } from '../../fewshot/prototype-bank.js';
import { workerEntryUrl } from '../../train/parallel/worker-entry-url.js';
import type { Analysis } from '../api/schemas.js';
import type { z } from 'zod';
import type { modelInfoSchema, recordInfoSchema, waveformSchema } from '../api/schemas.js';
import type { CaseVectors, ServicePrediction } from './model-ops.js';
import type { RecordRef, WorkerResult, WorkerTask } from './worker-protocol.js';

export type ModelInfo = z.infer<typeof modelInfoSchema>;

/**
 * Cases whose vectors the service keeps: a case's vectors and its occluded variants' are 25 vectors of
 * D floats and, with a context gate, 25 clinical vectors (D ≈ 130 for the demo model: ~15–25 kB), so
 * 2,000 cases take about 50 MB at most.
 */
const CASE_VECTORS_KEPT = 2000;

/** Classifications a worker may have queued at once (see `ModelService.run`). */
const CLASSIFICATIONS_PER_WORKER = 8;
export type RecordInfo = z.infer<typeof recordInfoSchema>;
export type Waveform = z.infer<typeof waveformSchema>;

export interface ModelServiceOptions {
  /** Worker threads, each with its own copy of the model. @default min(2, available cores) */
  threads?: number;
  /** Longest a task may run before its worker is stopped and the request refused. @default 60 s */
  timeoutMs?: number;
  /** Heap limit of a worker (MB): a hostile file cannot take the service's memory. @default 1024 */
  maxWorkerHeapMb?: number;
}

/**
 * The one door between the HTTP service and the model: loading the model directory, reading and
 * checking an uploaded record, the analysis, bank enrolment and prediction with its explanation.
 * Every call runs on a pool of worker threads (piscina), each holding the model, loaded once, and
 * caches of recent records and banks with their fitted heads; the service keeps recent cases' vectors
 * for every worker to classify with. A slow prediction never stalls the request thread.
 * Bad input is thrown as `FewbeatError` with the reader's one-line reason; a task that runs longer
 * than `timeoutMs` is stopped (its worker is terminated and replaced) and reported as such.
 */
export class ModelService {
  private constructor(
    readonly info: ModelInfo,
    private readonly pool: Piscina,
    private readonly timeoutMs: number,
  ) {}

  /**
   * Open the model directory written by `fewbeat train` / `fewbeat demo`, start the workers and load the model in each.
   */
  static async open(dir: string, opts: ModelServiceOptions = {}): Promise<ModelService> {
    const info = readModelInfo(dir);
    const threads = opts.threads ?? Math.max(1, Math.min(2, availableParallelism()));
    const entry = await workerEntryUrl(import.meta.url, 'model-worker');
    const pool = new Piscina({
      filename: entry.href,
      workerData: { modelDir: dir },
      minThreads: threads,
      maxThreads: threads,
      idleTimeout: Number.POSITIVE_INFINITY,
      resourceLimits: { maxOldGenerationSizeMb: opts.maxWorkerHeapMb ?? 1024 },
      // Classifications (no time limit, see `run`) queue at a worker rather than at the request thread.
      concurrentTasksPerWorker: CLASSIFICATIONS_PER_WORKER,
    });
    const service = new ModelService(info, pool, opts.timeoutMs ?? 60_000);
    return service;
  }

  /**
   * Run a task on a worker. Every task but `classify` has the time limit (`timeoutMs`): it reads an
   * uploaded file or runs the model, and a hostile input must not hold a worker. A time-limited task
   * has a worker to itself (piscina sends an abortable task only to an idle worker). `classify` runs
   * the bank's head over a case's vectors kept in memory, bounded work of about a millisecond, without
   * a limit: up to {@link CLASSIFICATIONS_PER_WORKER} of them are sent to a worker at once, so a worker
   * takes the next one as soon as it has answered the last instead of waiting for the request thread
   * to hand it over (under 50 clients that hand-over, one per turn of the busy request thread, made up
   * most of a prediction's time).
   */
  private async run<T>(task: WorkerTask): Promise<T> {
    let result: WorkerResult;
    try {
      const limit = task.op === 'classify' ? {} : { signal: AbortSignal.timeout(this.timeoutMs) };
      result = (await this.pool.run(task, limit)) as WorkerResult;
    } catch (e) {
      if ((e as Error).name === 'AbortError' || (e as Error).name === 'TimeoutError')
        throw new FewbeatError(`the ${task.op} did not finish within ${this.timeoutMs / 1000} s and was stopped`);
      if (/ERR_WORKER_OUT_OF_MEMORY|out of memory/i.test(String((e as Error).message)))
        throw new FewbeatError(`the ${task.op} needed more memory than a worker may use and was stopped`);
      throw e;
    }
    this.tensors.set(result.thread, result.tensors);
    if (!result.ok) throw new FewbeatError(result.message);
    return result.value as T;
  }

  /** Tensors alive in each worker's tfjs engine after its last task (`thread`: the worker's thread id). */
  private readonly tensors = new Map<number, number>();

  /**
   * Each running worker's live tensor count after its last task, by thread id: the model's weights,
   * flat from one request to the next when no path leaks (a worker that has run no task is left out).
   */
  workerTensors(): Array<{ thread: number; tensors: number }> {
    const running = new Set(this.pool.threads.map((w) => w.threadId));
    return [...this.tensors]
      .filter(([thread]) => running.has(thread))
      .sort(([a], [b]) => a - b)
      .map(([thread, tensors]) => ({ thread, tensors }));
  }

  /** Read the uploaded record and check the clinical context against the model's schema. */
  inspect(record: RecordRef, format: string, clinical: Record<string, unknown>): Promise<RecordInfo> {
    return this.run({ op: 'inspect', record, format, clinical });
  }

  waveform(record: RecordRef, maxSamples: number): Promise<Waveform> {
    return this.run({ op: 'waveform', record, maxSamples });
  }

  analyse(caseId: string, record: RecordRef, clinical: Record<string, unknown>): Promise<Analysis> {
    return this.run({ op: 'analyse', caseId, record, clinical });
  }

  /** Enroll a bank from cases (each with its record and clinical context). */
  buildBank(
    items: Array<{ caseId: string; class: string; record: RecordRef; clinical: Record<string, unknown> }>,
  ): Promise<PrototypeBank> {
    return this.run({ op: 'buildBank', items });
  }

  /**
   * Classify a case against a bank version (`bankKey` names it for the workers' caches). Every call
   * runs the bank's head on a worker. What does not depend on the bank, the case's vectors and those
   * of its occluded variants ({@link caseVectors}), is computed once per stored ECG, clinical context
   * and model (the model is deterministic at inference), kept here and sent to whichever worker
   * classifies: a case predicted again (another bank version, another clinician) costs one pass of
   * the bank's head over its vectors.
   */
  async predict(args: {
    record: RecordRef;
    clinical: Record<string, unknown>;
    contextGiven: boolean;
    bankKey: string;
    bankJson: string;
    nearest: number;
    explain: boolean;
  }): Promise<ServicePrediction> {
    const vectors = await this.caseVectors(args.record, args.clinical, args.explain);
    return this.run({
      op: 'classify',
      vectors,
      contextGiven: args.contextGiven,
      bankKey: args.bankKey,
      bankJson: this.sharedBank(args.bankKey, args.bankJson),
      nearest: args.nearest,
    });
  }

  /**
   * A bank version's JSON as UTF-8 in shared memory, made once per version: a worker that knows the
   * version (its head is fitted) ignores it, and posting it costs no copy of the ~100 kB.
   */
  private sharedBank(key: string, json: string): Uint8Array {
    let bytes = this.banks.get(key);
    if (!bytes) {
      const utf8 = Buffer.from(json, 'utf8');
      bytes = new Uint8Array(new SharedArrayBuffer(utf8.length));
      bytes.set(utf8);
      this.banks.set(key, bytes);
      if (this.banks.size > 32) this.banks.delete(this.banks.keys().next().value as string);
    }
    return bytes;
  }

  private readonly banks = new Map<string, Uint8Array>();

  /**
   * A case's vectors, by its stored ECG (SHA-256), its clinical context and this model's version; with
   * the occluded variants when `explain`. Concurrent requests for one case share one computation.
   */
  private caseVectors(record: RecordRef, clinical: Record<string, unknown>, explain: boolean): Promise<CaseVectors> {
    const key = `${this.info.version}:${record.sha256}:${JSON.stringify(clinical)}`;
    const known = this.vectors.get(key);
    if (known && (known.explained || !explain)) {
      this.vectors.delete(key);
      this.vectors.set(key, known);
      return known.vectors;
    }
    const vectors = this.run<CaseVectors>({ op: 'caseVectors', record, clinical, explain });
    this.vectors.delete(key);
    this.vectors.set(key, { explained: explain, vectors });
    vectors.catch(() => {
      if (this.vectors.get(key)?.vectors === vectors) this.vectors.delete(key);
    });
    if (this.vectors.size > CASE_VECTORS_KEPT) this.vectors.delete(this.vectors.keys().next().value as string);
    return vectors;
  }

  /** Recently used cases' vectors (least recently used first). */
  private readonly vectors = new Map<string, { explained: boolean; vectors: Promise<CaseVectors> }>();

  /** Wait until every worker has the model loaded (start-up fails early on a bad model directory). */
  async warmUp(): Promise<void> {
    await Promise.all(
      Array.from({ length: this.pool.options.minThreads }, () =>
        this.run({ op: 'waveform', record: { sha256: 'warm-up', files: [] }, maxSamples: 100 }).catch(() => undefined),
      ),
    );
  }

  async close(): Promise<void> {
    await this.pool.destroy();
  }
}

/**
 * What the service tells about its model, read from the directory's config.json without loading the
 * weights: the version is the SHA-256 of config.json and the weight files (in name order).
 */
export function readModelInfo(dir: string): ModelInfo {
  const configFile = join(dir, 'config.json');
  if (!existsSync(configFile))
    throw new FewbeatError('no model here (no config.json): train one with `npx fewbeat demo --out out/demo`', {
      file: dir,
    });
  let config: {
    preprocessing?: { fs: number; samples: number; leads: string[] };
    classes?: { base: string[]; novel: string[] };
    clinical?: { schema?: unknown };
  };
  try {
    config = JSON.parse(readFileSync(configFile, 'utf8')) as typeof config;
  } catch (e) {
    throw new FewbeatError(`not valid JSON: ${(e as Error).message}`, { file: configFile });
  }
  const schema = clinicalSchemaSchema.safeParse(config.clinical?.schema);
  if (!config.preprocessing || !config.classes || !schema.success)
    throw new FewbeatError('not a model directory written by fewbeat train (preprocessing, classes, clinical schema)', {
      file: configFile,
    });
  const hash = createHash('sha256');
  for (const name of readdirSync(dir)
    .filter((n) => n === 'config.json' || /^weights.*\.(json|bin)$/.test(n))
    .sort()) {
    hash.update(name);
    hash.update(readFileSync(join(dir, name)));
  }
  return {
    version: hash.digest('hex'),
    dir,
    fs: config.preprocessing.fs,
    samples: config.preprocessing.samples,
    leads: config.preprocessing.leads,
    classes: config.classes,
    clinicalSchema: schema.data,
  };
}
