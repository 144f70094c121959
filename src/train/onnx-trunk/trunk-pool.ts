/**
 * Where the trunk's forward and vjp calls run: in this thread ({@link LocalTrunk}, one ONNX
 * Runtime session with several intra-op threads) or on worker threads ({@link TrunkPool}, one
 * single-threaded session each, the calls of a step spread over them by rows). Measured on the
 * bench step (two calls of 75 rows, 2 cores): two workers run both vjps in 167 ms where one
 * two-threaded session needs 2 × ~100 ms, since ONNX Runtime's elementwise and small ops gain
 * little from a second thread.
 */
import { Worker } from 'node:worker_threads';
import { sharedClock } from '../parallel/protocol.js';
import { assignCalls } from '../parallel/worker-pool.js';
import { workerEntryUrl } from '../parallel/worker-entry-url.js';
import { WorkerHandle } from '../parallel/worker-handle.js';
import type { FromTrunkWorker, ToTrunkWorker } from './trunk-protocol.js';
import {
  parameterOffsets,
  TrunkSession,
  type TrunkCall,
  type TrunkForward,
  type TrunkSessionSpec,
} from './trunk-session.js';

export interface TrunkExecutor {
  /**
   * Forward passes of `calls` (results in call order); each call's activations wait for {@link vjp}.
   * `waitedMs`: how long finished results waited for this thread to take them (it was busy, e.g.
   * building the next episode): compute time lost to input work. 0 in this thread.
   */
  forward(
    calls: readonly TrunkCall[],
    parameters: Float32Array,
  ): Promise<{ results: TrunkForward[]; waitedMs: number }>;
  /** Σ_k ∂L/∂θ of the pending calls, from ∂L/∂F_k in call order (flat, `parameters` order). */
  vjp(dFeatures: readonly Float32Array[]): Promise<Float32Array>;
  /** Drop pending calls after a failed step. */
  abort(): void;
  release(): Promise<void>;
}

/** The trunk in this thread. */
export class LocalTrunk implements TrunkExecutor {
  private constructor(private readonly session: TrunkSession) {}

  static async create(spec: TrunkSessionSpec, threads: number): Promise<LocalTrunk> {
    return new LocalTrunk(await TrunkSession.create(spec, threads));
  }

  async forward(
    calls: readonly TrunkCall[],
    parameters: Float32Array,
  ): Promise<{ results: TrunkForward[]; waitedMs: number }> {
    const results: TrunkForward[] = [];
    for (const [k, call] of calls.entries()) results.push(await this.session.forward(k, call, parameters));
    return { results, waitedMs: 0 };
  }

  async vjp(dFeatures: readonly Float32Array[]): Promise<Float32Array> {
    const gradient = new Float32Array(this.session.parameterSize);
    for (const [k, d] of dFeatures.entries()) await this.session.vjp(k, d, gradient);
    return gradient;
  }

  abort(): void {
    this.session.clear();
  }

  release(): Promise<void> {
    return this.session.release();
  }
}

/** The trunk on worker threads. */
export class TrunkPool implements TrunkExecutor {
  private assignment: number[][] = [];
  private nextId = 0;
  private readonly parameterSize: number;

  private constructor(
    private readonly handles: Array<WorkerHandle<ToTrunkWorker, FromTrunkWorker>>,
    spec: TrunkSessionSpec,
    private readonly timeoutMs: number,
  ) {
    this.parameterSize = parameterOffsets(spec).size;
  }

  static async create(
    spec: TrunkSessionSpec,
    workers: number,
    threads: number,
    timeoutMs = 300_000,
  ): Promise<TrunkPool> {
    if (!Number.isInteger(workers) || workers < 1)
      throw new Error(`TrunkPool: workers must be a positive integer, got ${workers}`);
    const entry = await workerEntryUrl(import.meta.url, 'trunk-worker');
    const handles = Array.from(
      { length: workers },
      (_, i) => new WorkerHandle<ToTrunkWorker, FromTrunkWorker>('trunk worker', i, new Worker(entry)),
    );
    const pool = new TrunkPool(handles, spec, timeoutMs);
    try {
      for (const h of handles) h.post({ type: 'init', spec, threads });
      await Promise.all(handles.map((h) => h.expect('ready', timeoutMs)));
    } catch (e) {
      await pool.release();
      throw e;
    }
    pool.idle();
    return pool;
  }

  /** Workers do not keep the process alive between steps. */
  private idle(): void {
    for (const h of this.handles) h.worker.unref();
  }

  async forward(
    calls: readonly TrunkCall[],
    parameters: Float32Array,
  ): Promise<{ results: TrunkForward[]; waitedMs: number }> {
    const id = ++this.nextId;
    this.assignment = assignCalls(
      calls.map((c) => c.size),
      this.handles.length,
    );
    const active = this.handles.filter((h) => (this.assignment[h.index] as number[]).length > 0);
    for (const h of active) {
      h.worker.ref();
      h.post({
        type: 'forward',
        id,
        parameters,
        calls: (this.assignment[h.index] as number[]).map((key) => ({ key, call: calls[key] as TrunkCall })),
      });
    }
    const replies = await Promise.all(active.map((h) => h.expect('forwarded', this.timeoutMs)));
    const waitedMs = Math.max(0, sharedClock() - Math.max(...replies.map((r) => r.postedAt)));
    const results = new Array<TrunkForward>(calls.length);
    active.forEach((h, i) =>
      (this.assignment[h.index] as number[]).forEach((key, j) => {
        results[key] = (replies[i] as { results: TrunkForward[] }).results[j] as TrunkForward;
      }),
    );
    return { results, waitedMs };
  }

  async vjp(dFeatures: readonly Float32Array[]): Promise<Float32Array> {
    const id = ++this.nextId;
    const active = this.handles.filter((h) => (this.assignment[h.index] as number[]).length > 0);
    for (const h of active)
      h.post({
        type: 'vjp',
        id,
        calls: (this.assignment[h.index] as number[]).map((key) => ({
          key,
          dFeatures: dFeatures[key] as Float32Array,
        })),
      });
    try {
      const replies = await Promise.all(active.map((h) => h.expect('gradients', this.timeoutMs)));
      const total = new Float32Array(this.parameterSize);
      for (const r of replies)
        // worker order: deterministic
        for (let i = 0; i < total.length; i++) total[i] = (total[i] as number) + (r.values[i] as number);
      return total;
    } finally {
      this.idle();
    }
  }

  abort(): void {
    for (const h of this.handles) h.post({ type: 'clear' });
    this.idle();
  }

  async release(): Promise<void> {
    await Promise.all(this.handles.map((h) => h.worker.terminate()));
  }
}
