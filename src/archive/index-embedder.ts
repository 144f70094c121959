import type { BatchSource } from '../data/batch.js';
import type { TrainedModelDir } from '../model-dir/model-dir.js';
import { modelVectors } from '../model-dir/model-vectors.js';
import { OnnxModelVectors } from '../model-dir/onnx-model-vectors.js';
import { DecodePool } from './decode-pool.js';
import type { DecodeResult, DecodeTask } from './decode-window.js';

/** Windows embedded per model call (one ONNX Runtime batch). */
export const EMBED_BATCH = 128;

/**
 * What turns recordings into index rows for one model: decoding on `threads` worker threads
 * ({@link DecodePool}) and the model (`onnx`: exported in memory and run on ONNX Runtime in batches,
 * {@link OnnxModelVectors}; `tfjs`: `modelVectors` as `enroll` runs it). A row is D + F float32: the
 * window's prototype-space vector (D = {@link dim}), then its encoded clinical vector (F =
 * {@link clinicalDim}, 0 when the model has no context gate). Opened once per run or per worker
 * process and shared by every unit it embeds.
 */
export class IndexEmbedder {
  private constructor(
    readonly trained: TrainedModelDir,
    private readonly onnx: OnnxModelVectors | null,
    private readonly pool: DecodePool,
    readonly threads: number,
    readonly dim: number,
    readonly clinicalDim: number,
  ) {}

  static async create(
    trained: TrainedModelDir,
    { engine = 'onnx', threads = 0 }: { engine?: 'onnx' | 'tfjs'; threads?: number } = {},
  ): Promise<IndexEmbedder> {
    const onnx = engine === 'onnx' ? await OnnxModelVectors.create(trained, { batchSize: EMBED_BATCH }) : null;
    const pool = await DecodePool.create(threads);
    const clinicalDim = trained.head.contextGate ? trained.encoder.size : 0;
    // One blank recording (zeros, every lead present) gives the prototype space's dimension.
    const L = trained.spec.leads.length;
    const blank: BatchSource = {
      signal: new Float32Array(trained.spec.samples * L),
      mask: new Float32Array(L).fill(1),
      ageYears: null,
      sex: null,
      clinical: {},
    };
    const vectors = onnx ? await onnx.vectors([blank]) : modelVectors(trained, [blank]);
    return new IndexEmbedder(trained, onnx, pool, threads, vectors.vectors[0]?.length ?? 0, clinicalDim);
  }

  /** Read, window, preprocess and measure one recording (on a decode thread when there are any). */
  decode(task: DecodeTask): Promise<DecodeResult> {
    return this.pool.decode(task);
  }

  /** The rows of `items`: [items.length, D + F] float32, row-major. */
  async rows(items: readonly BatchSource[]): Promise<Float32Array> {
    const vectors = this.onnx ? await this.onnx.vectors(items) : modelVectors(this.trained, items);
    const stride = this.dim + this.clinicalDim;
    const rows = new Float32Array(items.length * stride);
    items.forEach((_, i) => {
      rows.set(vectors.vectors[i] as Float32Array, i * stride);
      if (this.clinicalDim > 0) rows.set(vectors.clinical?.[i] as Float32Array, i * stride + this.dim);
    });
    return rows;
  }

  async close(): Promise<void> {
    await this.pool.close();
    await this.onnx?.dispose();
  }
}
