/**
 * The ECG trunk's training graphs (`trunk-graph.ts`) on ONNX Runtime: a forward call keeps the
 * activations its backward pass needs, under a key, until {@link TrunkSession.vjp} uses them.
 * Plain typed arrays in and out, so it runs in any thread (main, or a trunk worker).
 */
import * as ort from 'onnxruntime-node';
import { gradientOutput, type TrunkGraphs } from '../../models/onnx/training/trunk-graph.js';

/** The graphs and names a session needs (all of {@link TrunkGraphs}; structured-cloneable). */
export type TrunkSessionSpec = TrunkGraphs;

/** One forward call's inputs. */
export interface TrunkCall {
  size: number;
  /** [size, T, L] */
  ecg: Float32Array;
  /** [size, L] */
  leadMask: Float32Array;
}

/** One forward call's results. */
export interface TrunkForward {
  /** F [size, T', C]. */
  features: Float32Array;
  /** Per BatchNorm in `batchNorms` order, its batch mean then its biased batch variance ([C] each). */
  statistics: Float32Array;
}

/** Offsets of each trunk parameter in a flat vector (`parameters` order, end to end). */
export function parameterOffsets(spec: Pick<TrunkGraphs, 'parameters'>): { offsets: number[]; size: number } {
  let size = 0;
  const offsets = spec.parameters.map((p) => {
    const at = size;
    size += p.shape.reduce((a, b) => a * b, 1);
    return at;
  });
  return { offsets, size };
}

export class TrunkSession {
  private readonly pending = new Map<number, Record<string, ort.Tensor>>();
  private readonly offsets: number[];
  /** Length of a flat parameter (or gradient) vector. */
  readonly parameterSize: number;

  private constructor(
    private readonly spec: TrunkSessionSpec,
    private readonly forwardSession: ort.InferenceSession,
    private readonly vjpSession: ort.InferenceSession,
  ) {
    const { offsets, size } = parameterOffsets(spec);
    this.offsets = offsets;
    this.parameterSize = size;
  }

  /** Open both graphs on ONNX Runtime with `threads` intra-op threads. */
  static async create(spec: TrunkSessionSpec, threads: number): Promise<TrunkSession> {
    const options: ort.InferenceSession.SessionOptions = {
      intraOpNumThreads: threads,
      interOpNumThreads: 1,
      executionMode: 'sequential',
      graphOptimizationLevel: 'all',
    };
    const [forward, vjp] = await Promise.all([
      ort.InferenceSession.create(spec.forward, options),
      ort.InferenceSession.create(spec.vjp, options),
    ]);
    return new TrunkSession(spec, forward, vjp);
  }

  /** The training-mode forward of call `key` from flat `parameters`; its activations are kept for {@link vjp}. */
  async forward(key: number, call: TrunkCall, parameters: Float32Array): Promise<TrunkForward> {
    const { samples, leads } = this.dims(call);
    const feeds: Record<string, ort.Tensor> = {
      ecg: new ort.Tensor('float32', call.ecg, [call.size, samples, leads]),
      lead_mask: new ort.Tensor('float32', call.leadMask, [call.size, leads]),
    };
    this.spec.parameters.forEach((p, i) => {
      const at = this.offsets[i] as number;
      feeds[p.name] = new ort.Tensor('float32', parameters.slice(at, at + p.shape.reduce((a, b) => a * b, 1)), p.shape);
    });
    const result = await this.forwardSession.run(feeds);
    for (const name of this.spec.saved) feeds[name] = result[name] as ort.Tensor;
    this.pending.set(key, feeds);
    const statistics = new Float32Array(
      this.spec.batchNorms.reduce((n, bn) => n + 2 * (result[`${bn.name}.batch_mean`] as ort.Tensor).size, 0),
    );
    let at = 0;
    for (const bn of this.spec.batchNorms) {
      for (const which of ['batch_mean', 'batch_var']) {
        const values = (result[`${bn.name}.${which}`] as ort.Tensor).data as Float32Array;
        statistics.set(values, at);
        at += values.length;
      }
    }
    return { features: (result.features as ort.Tensor).data as Float32Array, statistics };
  }

  private dims(call: TrunkCall): { samples: number; leads: number } {
    const leads = call.leadMask.length / call.size;
    const samples = call.ecg.length / (call.size * leads);
    if (!Number.isInteger(leads) || !Number.isInteger(samples))
      throw new Error(
        `trunk call: ${call.ecg.length} ECG values and ${call.leadMask.length} mask values ` +
          `do not fit ${call.size} rows`,
      );
    return { samples, leads };
  }

  /**
   * ∂L/∂θ of call `key` given ∂L/∂F, added into `gradient` (flat, `parameters` order); frees the
   * call's activations.
   */
  async vjp(key: number, dFeatures: Float32Array, gradient: Float32Array): Promise<void> {
    const feeds = this.pending.get(key);
    if (!feeds) throw new Error(`trunk vjp: no forward call ${key} is pending`);
    this.pending.delete(key);
    const [steps, channels] = this.spec.featureShape;
    feeds.d_features = new ort.Tensor('float32', dFeatures, [dFeatures.length / (steps * channels), steps, channels]);
    const result = await this.vjpSession.run(feeds);
    this.spec.parameters.forEach((p, i) => {
      const g = (result[gradientOutput(p.name)] as ort.Tensor).data as Float32Array;
      const at = this.offsets[i] as number;
      for (let j = 0; j < g.length; j++) gradient[at + j] = (gradient[at + j] as number) + (g[j] as number);
    });
  }

  /** Forget pending calls (after a failed step). */
  clear(): void {
    this.pending.clear();
  }

  async release(): Promise<void> {
    this.pending.clear();
    await Promise.all([this.forwardSession.release(), this.vjpSession.release()]);
  }
}
