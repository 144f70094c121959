import { encodeClinical, makeBatch, withClinicalInput, type BatchSource } from '../data/batch.js';
import type { PoolVectors } from '../fewshot/classify-episode.js';
import type { Embeddings } from '../fewshot/embed.js';
import { inSpace } from '../fewshot/prototype-space.js';
import { exportOnnx } from '../models/onnx/export.js';
import { OnnxModelSession } from '../models/onnx/session.js';
import type { TrainedModelDir } from './model-dir.js';

/**
 * {@link modelVectors} on ONNX Runtime: the model exported in memory (`exportOnnx`, eval mode,
 * BatchNorm folded) and run in batches of `batchSize` recordings, [B, T, L] → h, g, z, then into
 * the model's prototype space exactly as the tfjs path does (`inSpace`). The vectors equal the
 * tfjs ones up to float rounding (a test checks 1e-4). The fast path for embedding many recordings
 * (an archive): no tfjs tensors, ONNX Runtime's kernels, `threads` intra-op threads.
 */
export class OnnxModelVectors {
  private constructor(
    private readonly trained: TrainedModelDir,
    private readonly session: OnnxModelSession,
    private readonly batchSize: number,
  ) {}

  /** Export the model of `trained` and open it on ONNX Runtime. */
  static async create(
    trained: TrainedModelDir,
    { threads = 1, batchSize = 128 }: { threads?: number; batchSize?: number } = {},
  ): Promise<OnnxModelVectors> {
    const c = trained.model.config;
    const session = await OnnxModelSession.create(
      exportOnnx(trained.model),
      { samples: c.ecg.samples, leads: c.ecg.leads, features: c.clinical.inputDim },
      { threads },
    );
    return new OnnxModelVectors(trained, session, batchSize);
  }

  /** The model's embeddings of `items` (h, g, z and the measurements), as `embedAll` returns them. */
  async embed(items: readonly BatchSource[]): Promise<Embeddings> {
    const { trained } = this;
    const inputs = withClinicalInput(items, trained.extra.training.clinicalInput);
    const out: Embeddings = {
      fused: [],
      ecg: [],
      clinical: [],
      measurements: inputs.map((e) => e.measurements ?? null),
    };
    for (let start = 0; start < inputs.length; start += this.batchSize) {
      const batch = makeBatch(inputs.slice(start, start + this.batchSize), trained.encoder);
      const r = await this.session.run({
        batch: batch.size,
        ecg: batch.ecg,
        leadMask: batch.leadMask,
        clinical: batch.clinical,
      });
      out.fused.push(...rows(r.fused, batch.size));
      out.ecg.push(...rows(r.ecg_embedding, batch.size));
      out.clinical.push(...rows(r.clinical_embedding, batch.size));
    }
    return out;
  }

  /** What the few-shot head needs of `items`: vectors in the prototype space (and clinical vectors with a gate). */
  async vectors(items: readonly BatchSource[]): Promise<PoolVectors> {
    const { trained } = this;
    const vectors = inSpace(await this.embed(items), trained.space);
    return trained.head.contextGate
      ? { vectors, clinical: encodeClinical(items, trained.encoder, trained.extra.training.clinicalInput) }
      : { vectors };
  }

  async dispose(): Promise<void> {
    await this.session.dispose();
  }
}

/** The B rows of a row-major [B, d] matrix (views, no copy). */
function rows(data: Float32Array, B: number): Float32Array[] {
  const d = data.length / B;
  return Array.from({ length: B }, (_, i) => data.subarray(i * d, (i + 1) * d));
}
