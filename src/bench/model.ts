/**
 * The model's benchmark workload, fixed so that any framework can reproduce it (its PyTorch
 * twin is `bench/torch_twin.py`). The network is fewbeat's own {@link FewbeatModel} built from the
 * "bench" preset (`data/presets/bench.json`: 424,577 trainable parameters), not a copy.
 *
 * One train step = one 5-way 5-shot 10-query episode (n = 75 recordings), two ECG views each,
 * encoded by two forward calls of n rows (BatchNorm statistics per view; the twin does the same):
 *
 *     h1, h2 = ECG embeddings of view 1 and view 2            [n, 128] each
 *     z, u, v = fused embedding, ECG and clinical projections of view 1
 *     loss = InfoNCE(u, v) + 1.0 · ProtoCE(z) + 0.5 · mean_i(1 − cos(h1_i, h2_i)),  then Adam (lr 1e-3)
 *
 * InfoNCE is {@link contrastiveLoss} with β = γ = 1 and one recording per patient (CLIP's
 * symmetric loss); ProtoCE is {@link prototypicalLoss} over squared Euclidean distances.
 * The step is a {@link ForwardStep}, so it runs in process or on a {@link WorkerPool} (one view
 * per worker) with the same result.
 * Inference = eval-mode forward of 256 ECGs with clinical context, timed on tfjs and on ONNX
 * Runtime (the model exported by `exportOnnx`), with 1 and 2 intra-op threads.
 * The inputs are seeded random signals made once, outside the timed region.
 */
import * as tf from '@tensorflow/tfjs';
import { contrastiveLoss } from '../losses/contrastive.js';
import { cosineDisagreement } from '../losses/cosine-disagreement.js';
import { prototypicalLoss } from '../losses/prototypical.js';
import type { ModelConfig } from '../models/config.js';
import { FewbeatModel, type ModelInput, type ModelOutput } from '../models/model.js';
import { exportOnnx } from '../models/onnx/export.js';
import { OnnxModelSession, type OnnxInput } from '../models/onnx/session.js';
import { loadPreset } from '../models/presets.js';
import type { Batch } from '../data/batch.js';
import { batchTensors } from '../models/batch-tensors.js';
import { lossInProcess, runInProcess, type ForwardStep, type StepRunner } from '../train/parallel/forward-step.js';
import { wasmHeapBytes } from '../train/parallel/protocol.js';
import { WorkerPool } from '../train/parallel/worker-pool.js';
import { createStepRunner } from '../train/step-runner.js';
import { Rng } from '../util/rng.js';
import { median, timeRuns, type RunTimes } from './timing.js';

/** Shape of the bench episode and inference batch. */
export const BENCH_SHAPE = { ways: 5, shots: 5, queries: 10, inferenceBatch: 256 } as const;

/** Weights of the bench loss: InfoNCE + λ1·ProtoCE + λ2·cosine disagreement. */
const LAMBDA_CLASS = 1.0;
const LAMBDA_CONSISTENCY = 0.5;
const LEARNING_RATE = 1e-3;

/** The "bench" model configuration (`data/presets/bench.json`). */
export function benchConfig(): ModelConfig {
  return loadPreset('bench');
}

function randomValues(size: number, rng: Rng): Float32Array {
  const values = new Float32Array(size);
  for (let i = 0; i < values.length; i++) values[i] = rng.normal();
  return values;
}

/** The model, optimiser and fixed inputs of the bench; {@link dispose} frees them. */
export class BenchWorkload {
  readonly model: FewbeatModel;
  private readonly optimizer: tf.Optimizer;
  /** The episode's two views (same clinical context), one forward call each. */
  private readonly views: [Batch, Batch];
  private readonly inference: ModelInput;
  private readonly labels: { support: number[]; query: number[]; all: number[] };
  private readonly n: number;

  constructor(seed = 0, config: ModelConfig = benchConfig()) {
    const { ways, shots, queries, inferenceBatch } = BENCH_SHAPE;
    this.model = new FewbeatModel(config, seed);
    this.optimizer = tf.train.adam(LEARNING_RATE);
    this.n = ways * (shots + queries);
    const rng = new Rng(seed);
    const { samples, leads } = config.ecg;
    const features = config.clinical.inputDim;
    const batch = (size: number, clinical: Float32Array): Batch => ({
      size,
      samples,
      leads,
      features,
      ecg: randomValues(size * samples * leads, rng),
      leadMask: new Float32Array(size * leads).fill(1),
      clinical,
    });
    const episodeClinical = randomValues(this.n * features, rng);
    this.views = [batch(this.n, episodeClinical), batch(this.n, episodeClinical)];
    this.inference = batchTensors(batch(inferenceBatch, randomValues(inferenceBatch * features, rng)));
    const support = Array.from({ length: ways * shots }, (_, i) => Math.floor(i / shots));
    const query = Array.from({ length: ways * queries }, (_, i) => Math.floor(i / queries));
    this.labels = { support, query, all: [...support, ...query] };
  }

  /** Trainable parameter count. */
  params(): number {
    return this.model.countParams();
  }

  /** The bench step: forward view 1, forward view 2, then the bench loss (see the module comment). */
  forwardStep(): ForwardStep {
    const { ways, shots } = BENCH_SHAPE;
    const n = this.n;
    return {
      batches: this.views,
      loss: ([view1, view2]) =>
        tf.tidy(() => {
          const a = view1 as ModelOutput;
          const b = view2 as ModelOutput;
          const infoNce = contrastiveLoss(a.ecgProj, a.clinProj, a.logitScale, {
            patientIds: this.labels.all.map((_, i) => i),
            labels: this.labels.all,
            ageBands: this.labels.all.map(() => 0),
            beta: 1,
            gamma: 1,
          });
          const nSupport = ways * shots;
          const rows = (t: tf.Tensor2D, start: number, count: number): tf.Tensor2D =>
            tf.slice(t, [start, 0], [count, -1]);
          const proto = prototypicalLoss(
            rows(a.fused, 0, nSupport),
            this.labels.support,
            rows(a.fused, nSupport, n - nSupport),
            this.labels.query,
            ways,
          );
          const total = tf.addN([
            infoNce,
            tf.mul(LAMBDA_CLASS, proto.loss),
            tf.mul(LAMBDA_CONSISTENCY, cosineDisagreement(a.ecgEmbedding, b.ecgEmbedding)),
          ]) as tf.Scalar;
          return { total, parts: tf.stack([infoNce, proto.loss]) as tf.Tensor1D };
        }),
    };
  }

  /** The bench loss of the episode, in process (training mode: it updates BatchNorm running statistics). */
  loss(): tf.Scalar {
    return tf.tidy(() => lossInProcess(this.model, this.forwardStep()).total);
  }

  /** One Adam step on the episode, in process; returns the loss before the step. */
  trainStep(): number {
    return runInProcess(this.model, this.forwardStep(), this.optimizer).loss;
  }

  /** One Adam step on the episode with `runner` (e.g. a {@link WorkerPool}); returns the loss before the step. */
  async trainStepOn(runner: StepRunner): Promise<number> {
    return (await runner.step(this.forwardStep(), this.optimizer)).loss;
  }

  /** The inference batch as typed arrays, for ONNX Runtime. */
  inferenceArrays(): OnnxInput {
    return {
      batch: this.inference.ecg.shape[0],
      ecg: this.inference.ecg.dataSync() as Float32Array,
      leadMask: this.inference.leadMask.dataSync() as Float32Array,
      clinical: this.inference.clinical.dataSync() as Float32Array,
    };
  }

  /** Eval-mode forward of the inference batch (256 ECGs with clinical context); returns its size. */
  infer(): number {
    const out = this.model.forward(this.inference, { training: false });
    out.fused.dataSync();
    out.ecgProj.dataSync();
    out.clinProj.dataSync();
    tf.dispose(Object.values(out));
    return this.inference.ecg.shape[0];
  }

  dispose(): void {
    this.model.dispose();
    this.optimizer.dispose();
    tf.dispose(Object.values(this.inference));
  }
}

/** Figures of one `fewbeat bench` run. */
export interface BenchResult {
  params: number;
  /**
   * Wall time of a train step (median) with engine `train_engine`
   * on `train_workers` worker threads (in process when 0).
   */
  train_step_ms_median: number;
  /** What computed the timed step: `onnx` (the trunk on ONNX Runtime) or `tfjs`. */
  train_engine: string;
  /** CPU time of a train step (median, all threads of the process): robust when other processes share the cores. */
  train_step_cpu_ms_median: number;
  /** Worker threads of the timed train step (0 = in process). */
  train_workers: number;
  /** Median wall and CPU ms of every step runner timed: `tfjs in process`, `tfjs N workers`, `onnx N workers`. */
  train_step_ms_by_runner: Record<string, { wall: number; cpu: number }>;
  /** Wall and CPU time of the in-process tfjs train step (one thread), for comparison. */
  train_step_in_process_ms_median: number;
  train_step_in_process_cpu_ms_median: number;
  /** ECG/s on the fastest inference path, named by `infer_path`. */
  infer_ecg_per_s: number;
  infer_path: string;
  /** ECG/s of each path: `tfjs-wasm`, `onnxruntime-1t`, `onnxruntime-2t`. */
  infer_ecg_per_s_by_path: Record<string, number>;
  /** ECG per CPU-second (all threads) of each path. */
  infer_ecg_per_cpu_s_by_path: Record<string, number>;
  backend: string;
  peak_rss_mb: number;
  runs: number;
}

const round1 = (v: number): number => Math.round(v * 10) / 10;

/** Options of {@link runBench}. */
export interface BenchOptions {
  runs: number;
  warmup: number;
  /** Name of the tfjs backend, as reported. */
  backend: string;
  /** ONNX Runtime intra-op thread counts to time inference with (none: tfjs only). @default [1, 2] */
  onnxThreads?: readonly number[];
  /** Worker threads for the train step (0 = in process only). @default 0 */
  workers?: number;
  /** Engine of the reported train step (see TrainConfig `engine`). @default 'onnx' */
  engine?: 'onnx' | 'tfjs';
}

/**
 * Run the bench: `warmup` untimed then `runs` timed train steps in process, then the same on
 * `workers` worker threads (when > 0), then inference on tfjs and on ONNX
 * Runtime. Medians of the timed runs; peak RSS of the whole process.
 */
export async function runBench(workload: BenchWorkload, opts: BenchOptions): Promise<BenchResult> {
  const inferWarmup = Math.min(opts.warmup, 2);
  const workers = opts.workers ?? 0;
  const engine = opts.engine ?? 'onnx';
  const inProcess = await timeRuns(() => workload.trainStep(), opts.runs, opts.warmup);
  const byRunner: Record<string, { wall: number; cpu: number }> = {};
  const recordStep = (name: string, t: RunTimes): void => {
    byRunner[name] = { wall: round1(median(t.wall)), cpu: round1(median(t.cpu)) };
  };
  recordStep('tfjs in process', inProcess);
  let step = inProcess;
  const others: Array<'tfjs' | 'onnx'> = workers > 0 ? ['tfjs', 'onnx'] : ['onnx'];
  for (const other of others) {
    const runner = await createStepRunner(workload.model, { engine: other, workers });
    try {
      const times = await timeRuns(() => workload.trainStepOn(runner), opts.runs, opts.warmup);
      recordStep(`${other} ${workers > 0 ? `${workers} workers` : 'in process'}`, times);
      if (other === engine) step = times;
    } finally {
      await runner.dispose();
    }
  }
  const byPath: Record<string, number> = {};
  const byPathCpu: Record<string, number> = {};
  const record = (path: string, t: RunTimes): void => {
    byPath[path] = round1(BENCH_SHAPE.inferenceBatch / (median(t.wall) / 1000));
    byPathCpu[path] = round1(BENCH_SHAPE.inferenceBatch / (median(t.cpu) / 1000));
  };
  record('tfjs-wasm', await timeRuns(() => workload.infer(), opts.runs, inferWarmup));
  const threads = opts.onnxThreads ?? [1, 2];
  if (threads.length > 0) {
    const c = workload.model.config;
    const onnx = exportOnnx(workload.model);
    const input = workload.inferenceArrays();
    for (const t of threads) {
      const session = await OnnxModelSession.create(
        onnx,
        { samples: c.ecg.samples, leads: c.ecg.leads, features: c.clinical.inputDim },
        { threads: t },
      );
      record(`onnxruntime-${t}t`, await timeRuns(() => session.run(input), opts.runs, inferWarmup));
      await session.dispose();
    }
  }
  const [path, best] = Object.entries(byPath).reduce((a, b) => (b[1] > a[1] ? b : a));
  return {
    params: workload.params(),
    train_step_ms_median: round1(median(step.wall)),
    train_step_cpu_ms_median: round1(median(step.cpu)),
    train_engine: engine,
    train_workers: workers,
    train_step_ms_by_runner: byRunner,
    train_step_in_process_ms_median: round1(median(inProcess.wall)),
    train_step_in_process_cpu_ms_median: round1(median(inProcess.cpu)),
    infer_ecg_per_s: best,
    infer_path: path,
    infer_ecg_per_s_by_path: byPath,
    infer_ecg_per_cpu_s_by_path: byPathCpu,
    backend: opts.backend,
    peak_rss_mb: round1(process.resourceUsage().maxRSS / 1024),
    runs: opts.runs,
  };
}

/** Memory of a long bench training run (target: peak RSS ≤ 1.5 GB, tensor count flat). */
export interface TrainingMemory {
  episodes: number;
  engine: string;
  workers: number;
  /** Peak resident set of the whole process, worker threads included (MB). */
  peak_rss_mb: number;
  /** RSS (MB) every `every` episodes. */
  rss_mb: number[];
  /** tf.memory().numTensors on the main thread after the first and the last episode. */
  main_tensors: [number, number];
  /** Per worker, numTensors after the first and the last episode. */
  worker_tensors: Array<[number, number]>;
  /**
   * WebAssembly heap (MB) of the main thread and of each worker at
   * the end: it grows to the largest step and is never returned.
   */
  wasm_heap_mb: { main: number; workers: number[] };
  seconds: number;
}

/**
 * Train `episodes` bench steps (on `workers` threads, or in process for 0) and record memory;
 * `onSample(episode, rssMb)` sees each RSS sample as it is taken.
 */
export async function runTrainingMemory(
  workload: BenchWorkload,
  episodes: number,
  workers: number,
  engine: 'onnx' | 'tfjs',
  every = 50,
  onSample?: (episode: number, rssMb: number) => void,
): Promise<TrainingMemory> {
  const started = performance.now();
  const runner = await createStepRunner(workload.model, { engine, workers });
  const pool = runner instanceof WorkerPool ? runner : null;
  const step = (): Promise<number> => workload.trainStepOn(runner);
  try {
    await step();
    const firstMain = tf.memory().numTensors;
    const firstWorkers = pool?.workerTensorCounts() ?? [];
    const rss: number[] = [];
    for (let e = 2; e <= episodes; e++) {
      await step();
      if (e % every !== 0) continue;
      rss.push(round1(process.memoryUsage().rss / 2 ** 20));
      onSample?.(e, rss.at(-1) as number);
    }
    const lastWorkers = pool?.workerTensorCounts() ?? [];
    return {
      episodes,
      engine,
      workers,
      peak_rss_mb: round1(process.resourceUsage().maxRSS / 1024),
      rss_mb: rss,
      main_tensors: [firstMain, tf.memory().numTensors],
      worker_tensors: firstWorkers.map((n, i) => [n, lastWorkers[i] as number]),
      wasm_heap_mb: {
        main: round1(wasmHeapBytes() / 2 ** 20),
        workers: (pool?.workerHeapBytes() ?? []).map((b) => round1(b / 2 ** 20)),
      },
      seconds: round1((performance.now() - started) / 1000),
    };
  } finally {
    await runner.dispose();
  }
}

export { timeRuns, type RunTimes } from './timing.js';
