import { MessageChannel, Worker, type MessagePort } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs';
import type { FewbeatModel } from '../../models/model.js';
import { activeBackend } from '../../runtime/backend.js';
import type { ModelOutputs } from '../../models/episodic-model.js';
import type { ForwardStep, StepResult, StepRunner } from './forward-step.js';
import {
  OUTPUT_KEYS,
  sharedClock,
  type FromWorker,
  type GradientsMessage,
  type OutputsMessage,
  type ToWorker,
  type UpstreamMessage,
} from './protocol.js';
import { workerEntryUrl } from './worker-entry-url.js';
import { WorkerHandle } from './worker-handle.js';
import { replayRunningUpdates, WeightLayout } from './weight-layout.js';

/**
 * Split forward calls over workers, balanced by rows: largest call first, each to the least
 * loaded worker (ties to the lowest index). Deterministic: it depends on the row counts only.
 *
 * @returns per worker, the indices of its calls in list order.
 */
export function assignCalls(rows: readonly number[], workers: number): number[][] {
  const load = new Array<number>(workers).fill(0);
  const assigned: number[][] = Array.from({ length: workers }, () => []);
  const order = rows.map((r, i) => [r, i] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  for (const [r, i] of order) {
    const w = load.indexOf(Math.min(...load));
    load[w] = (load[w] as number) + r;
    (assigned[w] as number[]).push(i);
  }
  return assigned.map((calls) => calls.sort((a, b) => a - b));
}

/** A training worker and its gradient port, with what it reported after its last step. */
class TrainingWorker extends WorkerHandle<ToWorker, FromWorker> {
  /** tf.memory().numTensors in the worker after its last step. */
  numTensors = 0;
  /** Bytes of the worker's WebAssembly heap after its last step. */
  heapBytes = 0;

  constructor(
    index: number,
    worker: Worker,
    readonly gradientPort: MessagePort,
  ) {
    super('training worker', index, worker);
  }
}

export interface WorkerPoolOptions {
  /** Longest wait for any worker message or for the upstream gradients (ms). @default 300000 */
  timeoutMs?: number;
}

/**
 * Data-parallel training steps over `workers` threads, each with its own tfjs wasm backend and a
 * copy of `model` (the master: it keeps the weights and the optimiser, so checkpoints and
 * evaluation are unchanged). One step (see {@link ForwardStep}):
 *
 * 1. main writes every weight (running statistics included) into one shared float32 buffer;
 * 2. it assigns the forward calls to workers ({@link assignCalls}) and posts them; each worker
 *    syncs its model and, inside `tf.variableGrads`, runs its calls in training mode, posts the
 *    outputs (and its running statistics after each call) and blocks (`Atomics.wait`, with a
 *    timeout) for dL/d(outputs);
 * 3. main builds the outputs as variables, takes `tf.variableGrads` of the loss over them and the
 *    extra variables, and posts each worker its upstream gradients (null where the loss does not
 *    use an output, so a variable reached only through unused outputs gets no gradient, as in
 *    process);
 * 4. each worker returns Σ (∂o/∂θ)ᵀ ∂L/∂o for its calls; main sums them in worker order
 *    (deterministic), applies the optimiser to the master and replays the BatchNorm running
 *    updates in call order ({@link replayRunningUpdates}).
 *
 * The result equals {@link runInProcess} up to float rounding. Between posting (2) and waiting
 * for the outputs, the caller's synchronous work (building the next episode) overlaps the
 * workers' forward pass. A failure in a worker, or a timeout, rejects the step and closes the pool.
 */
export class WorkerPool implements StepRunner {
  private readonly layout: WeightLayout;
  private readonly weights: Float32Array;
  private readonly signal: Int32Array;
  private nextId = 0;
  private closed = false;

  private constructor(
    private readonly model: FewbeatModel,
    private readonly handles: TrainingWorker[],
    shared: { weights: SharedArrayBuffer; signal: SharedArrayBuffer },
    private readonly timeoutMs: number,
  ) {
    this.layout = new WeightLayout(model);
    this.weights = new Float32Array(shared.weights);
    this.signal = new Int32Array(shared.signal);
  }

  get workers(): number {
    return this.handles.length;
  }

  /** Start `workers` (≥ 1) threads with copies of `model` and wait until they are ready. */
  static async create(model: FewbeatModel, workers: number, options: WorkerPoolOptions = {}): Promise<WorkerPool> {
    if (!Number.isInteger(workers) || workers < 1)
      throw new Error(`WorkerPool: workers must be a positive integer, got ${workers}`);
    const timeoutMs = options.timeoutMs ?? 300_000;
    const layout = new WeightLayout(model);
    const shared = {
      weights: new SharedArrayBuffer(layout.size * Float32Array.BYTES_PER_ELEMENT),
      signal: new SharedArrayBuffer(workers * Int32Array.BYTES_PER_ELEMENT),
    };
    const entry = await workerEntryUrl(import.meta.url, 'worker-entry');
    const backend = activeBackend() === 'cpu' ? 'cpu' : 'wasm';
    const handles = Array.from({ length: workers }, (_, slot) => {
      const channel = new MessageChannel();
      const handle = new TrainingWorker(slot, new Worker(entry), channel.port1);
      handle.post(
        {
          type: 'init',
          config: model.config,
          seed: model.seed,
          backend,
          weights: shared.weights,
          signal: shared.signal,
          slot,
          gradientPort: channel.port2,
          timeoutMs,
        },
        [channel.port2],
      );
      return handle;
    });
    const pool = new WorkerPool(model, handles, shared, timeoutMs);
    try {
      const expected = layout.names().join(',');
      for (const h of handles) {
        const ready = await h.expect('ready', timeoutMs);
        if (ready.names.join(',') !== expected)
          throw new Error(`training worker ${h.index} built a model with different parameters`);
      }
    } catch (e) {
      await pool.dispose();
      throw e;
    }
    pool.idle();
    return pool;
  }

  /** tf.memory().numTensors of each worker after its last step. */
  workerTensorCounts(): number[] {
    return this.handles.map((h) => h.numTensors);
  }

  /** Bytes of each worker's WebAssembly heap after its last step. */
  workerHeapBytes(): number[] {
    return this.handles.map((h) => h.heapBytes);
  }

  /** Workers do not keep the process alive between steps. */
  private idle(): void {
    for (const h of this.handles) {
      h.worker.unref();
      h.gradientPort.unref();
    }
  }

  async step(
    step: ForwardStep,
    optimizer: tf.Optimizer,
    extraVariables: readonly tf.Variable[] = [],
  ): Promise<StepResult> {
    if (this.closed) throw new Error('WorkerPool: the pool is closed');
    const id = ++this.nextId;
    this.layout.write(this.weights);
    const assignment = assignCalls(
      step.batches.map((b) => b.size),
      this.handles.length,
    );
    const active = this.handles.filter((h) => (assignment[h.index] as number[]).length > 0);
    for (const h of active) {
      h.worker.ref();
      h.post({
        type: 'step',
        id,
        batches: (assignment[h.index] as number[]).map((k) => step.batches[k] as ForwardStep['batches'][number]),
      });
    }
    try {
      const outputs = await Promise.all(active.map((h) => h.expect('outputs', this.timeoutMs)));
      const mainBusyMs = Math.max(0, sharedClock() - Math.max(...outputs.map((o) => o.postedAt)));
      const { loss, parts, extraGrads } = this.upstream(id, step, active, assignment, outputs, extraVariables);
      const gradients = await Promise.all(active.map((h) => h.expect('gradients', this.timeoutMs)));
      active.forEach((h, i) => {
        h.numTensors = (gradients[i] as GradientsMessage).numTensors;
        h.heapBytes = (gradients[i] as GradientsMessage).heapBytes;
      });
      this.apply(optimizer, gradients, extraGrads);
      this.replayRunning(assignment, active, outputs, step.batches.length);
      return { loss, parts, mainBusyMs };
    } catch (e) {
      await this.dispose();
      throw e;
    } finally {
      if (!this.closed) this.idle();
    }
  }

  /**
   * Step 3: the loss and its gradients w.r.t. every output (posted to the workers) and the extra
   * variables (returned, to be applied with the model's).
   */
  private upstream(
    id: number,
    step: ForwardStep,
    active: TrainingWorker[],
    assignment: number[][],
    outputs: OutputsMessage[],
    extraVariables: readonly tf.Variable[],
  ): { loss: number; parts: number[]; extraGrads: tf.NamedTensorMap } {
    const byCall: tf.Variable[][] = new Array<tf.Variable[]>(step.batches.length);
    active.forEach((h, i) =>
      (assignment[h.index] as number[]).forEach((k, j) => {
        const wire = (outputs[i] as OutputsMessage).outputs[j] as OutputsMessage['outputs'][number];
        byCall[k] = wire.map((t) => tf.tidy(() => tf.variable(tf.tensor(t.values, t.shape, 'float32'))));
      }),
    );
    const outputVariables = byCall.flat();
    let parts: tf.Tensor1D | null = null;
    try {
      const { value, grads } = tf.variableGrads(() => {
        const asOutputs = byCall.map(
          (vars) => Object.fromEntries(OUTPUT_KEYS.map((key, j) => [key, vars[j]])) as unknown as ModelOutputs,
        );
        const l = step.loss(asOutputs);
        parts = tf.keep(l.parts);
        return l.total;
      }, [...outputVariables, ...extraVariables]);
      for (const h of active) {
        const message: UpstreamMessage = {
          id,
          gradients: (assignment[h.index] as number[]).map((k) =>
            (byCall[k] as tf.Variable[]).map((v) => {
              const g = grads[v.name];
              return g ? Float32Array.from(g.dataSync()) : null;
            }),
          ),
        };
        h.gradientPort.postMessage(message);
        Atomics.store(this.signal, h.index, id);
        Atomics.notify(this.signal, h.index);
      }
      const extraGrads: tf.NamedTensorMap = {};
      for (const v of extraVariables) {
        const g = grads[v.name];
        if (g) extraGrads[v.name] = tf.keep(g);
      }
      const loss = value.dataSync()[0] as number;
      const partValues = Array.from((parts as unknown as tf.Tensor1D).dataSync());
      tf.dispose([
        value,
        ...Object.entries(grads)
          .filter(([name]) => !(name in extraGrads))
          .map(([, g]) => g),
      ]);
      return { loss, parts: partValues, extraGrads };
    } catch (e) {
      for (const h of active) {
        h.gradientPort.postMessage({ id, abort: e instanceof Error ? e.message : String(e) } satisfies UpstreamMessage);
        Atomics.store(this.signal, h.index, id);
        Atomics.notify(this.signal, h.index);
      }
      throw e;
    } finally {
      tf.dispose([...outputVariables, ...(parts ? [parts as tf.Tensor] : [])]);
    }
  }

  /** Step 4: sum the workers' gradients in worker order and update the master's variables. */
  private apply(optimizer: tf.Optimizer, gradients: GradientsMessage[], extraGrads: tf.NamedTensorMap): void {
    const total = new Float32Array(this.layout.trainableSize);
    const present = new Uint8Array(this.layout.trainable.length);
    for (const g of gradients) {
      for (let i = 0; i < total.length; i++) total[i] = (total[i] as number) + (g.values[i] as number);
      g.present.forEach((p, i) => {
        present[i] = (present[i] as number) | p;
      });
    }
    const named: tf.NamedTensorMap = { ...extraGrads };
    this.model.trainableVariables().forEach((v, i) => {
      if (!present[i]) return;
      const slot = this.layout.trainable[i] as { size: number; shape: number[] };
      const at = this.layout.gradientOffsets[i] as number;
      named[v.name] = tf.tensor(total.subarray(at, at + slot.size), slot.shape, 'float32');
    });
    try {
      optimizer.applyGradients(named);
    } finally {
      tf.dispose(Object.values(named));
    }
  }

  /** BatchNorm running statistics as after the calls in list order. */
  private replayRunning(
    assignment: number[][],
    active: TrainingWorker[],
    outputs: OutputsMessage[],
    calls: number,
  ): void {
    if (this.layout.running.length === 0) return;
    const afterEach = new Array<Float32Array>(calls);
    active.forEach((h, i) =>
      (assignment[h.index] as number[]).forEach((k, j) => {
        afterEach[k] = (outputs[i] as OutputsMessage).running[j] as Float32Array;
      }),
    );
    const start = this.layout.readRunning();
    this.layout.writeRunning(replayRunningUpdates(start, afterEach, this.model.config.batchNormMomentum));
  }

  /** Stop the workers (idempotent). */
  async dispose(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all(
      this.handles.map(async (h) => {
        h.gradientPort.close();
        await h.worker.terminate();
      }),
    );
  }
}
