/**
 * The benchmark workload of issue 6, fixed so that any framework can reproduce it (its PyTorch
 * twin is `bench/torch_twin.py`). The network is fewbeat's own {@link FewbeatModel} built from the
 * "bench" preset (`data/presets/bench.json`: 424,577 trainable parameters), not a copy.
 *
 * One train step = one 5-way 5-shot 10-query episode (n = 75 recordings), two ECG views each,
 * encoded as one batch of 2n (BatchNorm statistics over both views):
 *
 *     h1, h2 = ECG embeddings of view 1 and view 2            [n, 128] each
 *     z, u, v = fused embedding, ECG and clinical projections of view 1
 *     loss = InfoNCE(u, v) + 1.0 · ProtoCE(z) + 0.5 · mean_i(1 − cos(h1_i, h2_i)),  then Adam (lr 1e-3)
 *
 * InfoNCE is {@link contrastiveLoss} with β = γ = 1 and one recording per patient (CLIP's
 * symmetric loss); ProtoCE is {@link prototypicalLoss} over squared Euclidean distances.
 * Inference = eval-mode forward of 256 ECGs with clinical context, timed on tfjs and on ONNX
 * Runtime (the model exported by `exportOnnx`), with 1 and 2 intra-op threads.
 * The inputs are seeded random signals made once, outside the timed region.
 */
import * as tf from '@tensorflow/tfjs';
import { contrastiveLoss } from '../losses/contrastive.js';
import { cosineDisagreement } from '../losses/cosine-disagreement.js';
import { prototypicalLoss } from '../losses/prototypical.js';
import type { ModelConfig } from '../models/config.js';
import { FewbeatModel, type ModelInput } from '../models/model.js';
import { exportOnnx } from '../models/onnx/export.js';
import { OnnxModelSession, type OnnxInput } from '../models/onnx/session.js';
import { loadPreset } from '../models/presets.js';
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

function randomTensor(shape: number[], rng: Rng): tf.Tensor {
  const values = new Float32Array(shape.reduce((a, b) => a * b, 1));
  for (let i = 0; i < values.length; i++) values[i] = rng.normal();
  return tf.tensor(values, shape);
}

/** The model, optimiser and fixed inputs of the bench; {@link dispose} frees them. */
export class BenchWorkload {
  readonly model: FewbeatModel;
  private readonly optimizer: tf.Optimizer;
  /** Both views of the episode as one batch: rows [0, n) view 1, [n, 2n) view 2. */
  private readonly episode: ModelInput;
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
    const input = (batch: number, clinical: tf.Tensor2D): ModelInput => ({
      ecg: randomTensor([batch, samples, leads], rng) as tf.Tensor3D,
      leadMask: tf.ones([batch, leads]),
      clinical,
    });
    const episodeClinical = randomTensor([this.n, features], rng) as tf.Tensor2D;
    this.episode = input(2 * this.n, tf.concat([episodeClinical, episodeClinical], 0));
    episodeClinical.dispose();
    this.inference = input(inferenceBatch, randomTensor([inferenceBatch, features], rng) as tf.Tensor2D);
    const support = Array.from({ length: ways * shots }, (_, i) => Math.floor(i / shots));
    const query = Array.from({ length: ways * queries }, (_, i) => Math.floor(i / queries));
    this.labels = { support, query, all: [...support, ...query] };
  }

  /** Trainable parameter count. */
  params(): number {
    return this.model.countParams();
  }

  /** The bench loss on the episode (see the module comment). */
  loss(): tf.Scalar {
    return tf.tidy(() => {
      const { ways, shots } = BENCH_SHAPE;
      const n = this.n;
      const out = this.model.forward(this.episode, { training: true });
      const first = (t: tf.Tensor2D, start: number, rows: number): tf.Tensor2D => tf.slice(t, [start, 0], [rows, -1]);
      const h1 = first(out.ecgEmbedding, 0, n);
      const h2 = first(out.ecgEmbedding, n, n);
      const z = first(out.fused, 0, n);
      const infoNce = contrastiveLoss(first(out.ecgProj, 0, n), first(out.clinProj, 0, n), out.logitScale, {
        patientIds: this.labels.all.map((_, i) => i),
        labels: this.labels.all,
        ageBands: this.labels.all.map(() => 0),
        beta: 1,
        gamma: 1,
      });
      const nSupport = ways * shots;
      const proto = prototypicalLoss(first(z, 0, nSupport), this.labels.support, first(z, nSupport, n - nSupport), this.labels.query, ways);
      return tf.addN([infoNce, tf.mul(LAMBDA_CLASS, proto.loss), tf.mul(LAMBDA_CONSISTENCY, cosineDisagreement(h1, h2))]) as tf.Scalar;
    });
  }

  /** One Adam step on the episode; returns the loss before the step. */
  trainStep(): number {
    const { value, grads } = tf.variableGrads(() => this.loss(), this.model.trainableVariables());
    this.optimizer.applyGradients(grads);
    const loss = value.dataSync()[0]!;
    tf.dispose([value, ...Object.values(grads)]);
    return loss;
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
    tf.dispose([...Object.values(this.episode), ...Object.values(this.inference)]);
  }
}

/** Figures of one `fewbeat bench` run. */
export interface BenchResult {
  params: number;
  train_step_ms_median: number;
  /** CPU time of a train step (median): robust when other processes share the cores. */
  train_step_cpu_ms_median: number;
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
}

/**
 * Run the bench: `warmup` untimed then `runs` timed train steps, then the same for inference on
 * tfjs and on ONNX Runtime. Medians of the timed runs; peak RSS of the whole process.
 */
export async function runBench(workload: BenchWorkload, opts: BenchOptions): Promise<BenchResult> {
  const inferWarmup = Math.min(opts.warmup, 2);
  const step = await timeRuns(() => workload.trainStep(), opts.runs, opts.warmup);
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
      const session = await OnnxModelSession.create(onnx, { samples: c.ecg.samples, leads: c.ecg.leads, features: c.clinical.inputDim }, { threads: t });
      record(`onnxruntime-${t}t`, await timeRuns(() => session.run(input), opts.runs, inferWarmup));
      await session.dispose();
    }
  }
  const [path, best] = Object.entries(byPath).reduce((a, b) => (b[1] > a[1] ? b : a));
  return {
    params: workload.params(),
    train_step_ms_median: round1(median(step.wall)),
    train_step_cpu_ms_median: round1(median(step.cpu)),
    infer_ecg_per_s: best,
    infer_path: path,
    infer_ecg_per_s_by_path: byPath,
    infer_ecg_per_cpu_s_by_path: byPathCpu,
    backend: opts.backend,
    peak_rss_mb: round1(process.resourceUsage().maxRSS / 1024),
    runs: opts.runs,
  };
}

export { timeRuns, type RunTimes } from './timing.js';
