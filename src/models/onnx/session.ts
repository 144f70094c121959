/**
 * Inference on ONNX Runtime (`onnxruntime-node`, CPU binaries shipped inside the npm package) from
 * a model exported by {@link exportOnnx}: fewbeat's fastest inference path on CPU.
 */
import * as ort from 'onnxruntime-node';
import { FewbeatError } from '../../errors.js';
import { ONNX_OUTPUTS } from './export.js';

/** One batch of model input as typed arrays (row-major, as in `ModelInput`). */
export interface OnnxInput {
  batch: number;
  /** [batch, samples, leads] */
  ecg: Float32Array;
  /** [batch, leads] */
  leadMask: Float32Array;
  /** [batch, features] */
  clinical: Float32Array;
}

/** The graph outputs, each row-major [batch, dim]. */
export type OnnxOutput = Record<(typeof ONNX_OUTPUTS)[number], Float32Array>;

export interface OnnxSessionOptions {
  /** Threads of ONNX Runtime's intra-op pool. @default 1 */
  threads?: number;
}

/** An ONNX Runtime session over an exported fewbeat model. */
export class OnnxModelSession {
  private constructor(
    private readonly session: ort.InferenceSession,
    private readonly dims: { samples: number; leads: number; features: number },
  ) {}

  /** Open `onnxBytes` (from `exportOnnx`) for the given input sizes. */
  static async create(
    onnxBytes: Uint8Array,
    dims: { samples: number; leads: number; features: number },
    options: OnnxSessionOptions = {},
  ): Promise<OnnxModelSession> {
    const threads = options.threads ?? 1;
    const session = await ort.InferenceSession.create(onnxBytes, {
      intraOpNumThreads: threads,
      interOpNumThreads: 1,
      executionMode: 'sequential',
      graphOptimizationLevel: 'all',
    });
    return new OnnxModelSession(session, dims);
  }

  /** Run one batch; returns every output. */
  async run(x: OnnxInput): Promise<OnnxOutput> {
    const { samples, leads, features } = this.dims;
    const sizes = {
      ecg: [x.ecg, samples * leads],
      leadMask: [x.leadMask, leads],
      clinical: [x.clinical, features],
    } as const;
    for (const [name, [values, perRow]] of Object.entries(sizes)) {
      if (!Number.isInteger(x.batch) || x.batch < 1 || values.length !== x.batch * perRow) {
        throw new FewbeatError(
          `ONNX model input: ${name} has ${values.length} values, expected batch ${x.batch} × ${perRow}`,
        );
      }
    }
    const feeds = {
      ecg: new ort.Tensor('float32', x.ecg, [x.batch, samples, leads]),
      lead_mask: new ort.Tensor('float32', x.leadMask, [x.batch, leads]),
      clinical: new ort.Tensor('float32', x.clinical, [x.batch, features]),
    };
    const result = await this.session.run(feeds);
    const out = {} as OnnxOutput;
    for (const name of ONNX_OUTPUTS) out[name] = result[name]!.data as Float32Array;
    return out;
  }

  async dispose(): Promise<void> {
    await this.session.release();
  }
}
