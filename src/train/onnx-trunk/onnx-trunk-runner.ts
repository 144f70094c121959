/**
 * Training steps with the ECG encoder's convolutional trunk on ONNX Runtime's native CPU kernels
 * (MLAS) and everything else — the rest of the model, the loss, autodiff, the optimiser — in
 * TensorFlow.js, as before:
 *
 *     F_k, (μ, σ²)_k  = trunk_forward(x_k; θ_trunk)                  ONNX Runtime, per forward call k
 *     running statistics ← (μ, σ²)_k, in call order                  tfjs
 *     L, ∂L/∂θ_rest, ∂L/∂F_k = tf.variableGrads(loss(forwardFromFeatures(x_k, F_k)))   tfjs
 *     ∂L/∂θ_trunk     = Σ_k trunk_vjp(x_k; θ_trunk; ∂L/∂F_k)          ONNX Runtime
 *     optimiser.applyGradients(∂L/∂θ_rest ∪ ∂L/∂θ_trunk)              tfjs
 *
 * The trunk's gradient is the closed-form backward pass of `trunk-graph.ts`, checked against
 * tfjs's own autodiff of the same model (onnx-trunk-runner.test.ts). This is the "native
 * kernels where the wasm backend is slow" lever: the wasm backend runs one thread with 128-bit
 * SIMD; ONNX Runtime uses the machine's vector width, and the calls of a step run on
 * worker threads in parallel (see trunk-pool.ts).
 */
import * as tf from '@tensorflow/tfjs';
import { updateRunningStatistics } from '../../models/layers/batch-norm.js';
import type { FewbeatModel } from '../../models/model.js';
import { buildTrunkGraphs, type TrunkGraphs } from '../../models/onnx/training/trunk-graph.js';
import { batchTensors } from '../../models/batch-tensors.js';
import { type ForwardStep, type StepResult, type StepRunner } from '../parallel/forward-step.js';
import { LocalTrunk, TrunkPool, type TrunkExecutor } from './trunk-pool.js';
import { parameterOffsets } from './trunk-session.js';

export interface OnnxTrunkRunnerOptions {
  /** Worker threads running the trunk (0 = this thread). @default 2 */
  workers?: number;
  /** ONNX Runtime intra-op threads per session. @default 1 with workers, 2 in this thread */
  threads?: number;
}

let runnerCount = 0;

export class OnnxTrunkRunner implements StepRunner {
  readonly workers: number;
  private readonly trunkVariables: tf.Variable[];
  private readonly otherVariables: tf.Variable[];
  private readonly offsets: number[];
  private readonly parameters: Float32Array;
  private readonly id = runnerCount++;

  private constructor(
    private readonly model: FewbeatModel,
    private readonly graphs: TrunkGraphs,
    private readonly trunk: TrunkExecutor,
    workers: number,
  ) {
    this.workers = workers;
    const weights = model.getWeights();
    this.trunkVariables = graphs.parameters.map((p) => weights.get(p.name) as tf.Variable);
    const inTrunk = new Set<tf.Variable>(this.trunkVariables);
    this.otherVariables = model.trainableVariables().filter((v) => !inTrunk.has(v));
    const { offsets, size } = parameterOffsets(graphs);
    this.offsets = offsets;
    this.parameters = new Float32Array(size);
  }

  static async create(model: FewbeatModel, options: OnnxTrunkRunnerOptions = {}): Promise<OnnxTrunkRunner> {
    const graphs = buildTrunkGraphs(model.config);
    const workers = options.workers ?? 2;
    const trunk =
      workers > 0
        ? await TrunkPool.create(graphs, workers, options.threads ?? 1)
        : await LocalTrunk.create(graphs, options.threads ?? 2);
    return new OnnxTrunkRunner(model, graphs, trunk, workers);
  }

  /** The trunk parameters now, end to end. */
  private readParameters(): Float32Array {
    this.trunkVariables.forEach((v, i) => this.parameters.set(v.dataSync() as Float32Array, this.offsets[i]));
    return this.parameters;
  }

  /** Running statistics ← the batch statistics of one forward call, as BatchNorm does in training mode. */
  private recordBatchStatistics(statistics: Float32Array, rows: number): void {
    const weights = this.model.getWeights();
    const momentum = this.model.config.batchNormMomentum;
    let at = 0;
    for (const { name, length } of this.graphs.batchNorms) {
      const running = {
        mean: weights.get(`${name}.running_mean`) as tf.Variable,
        variance: weights.get(`${name}.running_var`) as tf.Variable,
      };
      const channels = running.mean.size;
      tf.tidy(() => {
        const mean = tf.tensor1d(statistics.subarray(at, at + channels));
        const variance = tf.tensor1d(statistics.subarray(at + channels, at + 2 * channels));
        updateRunningStatistics(running, mean, variance, rows * length, momentum);
      });
      at += 2 * channels;
    }
  }

  async step(
    step: ForwardStep,
    optimizer: tf.Optimizer,
    extraVariables: readonly tf.Variable[] = [],
  ): Promise<StepResult> {
    const [steps, channels] = this.graphs.featureShape;
    const calls = step.batches.map((b) => ({ size: b.size, ecg: b.ecg, leadMask: b.leadMask }));
    let features: tf.Variable[] = [];
    let completed = false;
    try {
      const { results: forwarded, waitedMs } = await this.trunk.forward(calls, this.readParameters());
      forwarded.forEach((f, k) => this.recordBatchStatistics(f.statistics, (calls[k] as { size: number }).size));
      features = forwarded.map((f, k) =>
        tf.tidy(() =>
          tf.variable(
            tf.tensor3d(f.features, [(calls[k] as { size: number }).size, steps, channels]),
            true,
            `onnx-trunk-${this.id}-features-${k}`,
          ),
        ),
      );

      let parts: tf.Tensor1D | null = null;
      const { value, grads } = tf.variableGrads(
        () =>
          tf.tidy(() => {
            const outputs = step.batches.map((b, k) =>
              this.model.forwardFromFeatures(batchTensors(b), features[k] as unknown as tf.Tensor3D, {
                training: true,
              }),
            );
            const l = step.loss(outputs);
            parts = tf.keep(l.parts);
            return l.total;
          }),
        [...this.otherVariables, ...extraVariables, ...features],
      );
      // A call whose features the loss does not reach gets ∂L/∂F = 0 (its trunk gradient is then 0).
      const dFeatures = features.map((f) =>
        grads[f.name] ? Float32Array.from((grads[f.name] as tf.Tensor).dataSync()) : new Float32Array(f.size),
      );
      const trunkGradient = await this.trunk.vjp(dFeatures);
      completed = true;

      const update: tf.NamedTensorMap = {};
      for (const v of [...this.otherVariables, ...extraVariables])
        if (grads[v.name]) update[v.name] = grads[v.name] as tf.Tensor;
      const trunkTensors = this.graphs.parameters.map((p, i) => {
        const at = this.offsets[i] as number;
        const t = tf.tensor(trunkGradient.subarray(at, at + p.shape.reduce((a, b) => a * b, 1)), p.shape, 'float32');
        update[(this.trunkVariables[i] as tf.Variable).name] = t;
        return t;
      });
      optimizer.applyGradients(update);
      const loss = value.dataSync()[0] as number;
      const kept = parts as unknown as tf.Tensor1D;
      const partValues = Array.from(kept.dataSync());
      tf.dispose([value, kept, ...Object.values(grads), ...trunkTensors]);
      return { loss, parts: partValues, mainBusyMs: waitedMs };
    } finally {
      if (!completed) this.trunk.abort();
      tf.dispose(features);
    }
  }

  async dispose(): Promise<void> {
    await this.trunk.release();
  }
}
