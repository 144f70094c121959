import { encodeClinical, makeBatch, withClinicalInput, type BatchSource } from '../../data/batch.js';
import type { PoolVectors } from '../../fewshot/classify-episode.js';
import { inSpace } from '../../fewshot/prototype-space.js';
import type { TrainedModelDir } from '../../model-dir/model-dir.js';
import { exportOnnx } from '../../models/onnx/export.js';
import { OnnxModelSession } from '../../models/onnx/session.js';

/**
 * A trained model's vectors on ONNX Runtime: the model exported once (`exportOnnx`, eval mode,
 * BatchNorm folded) and run by a one-thread session, about twice as fast on a CPU core as the same
 * forward pass on TensorFlow.js WebAssembly ([performance](../../../docs/performance.md)). The
 * vectors are those of `modelVectors` (src/model-dir/model-vectors.ts) up to float rounding (relative
 * error ≤ 1e-4): the same inputs (`makeBatch`), the same prototype space (`inSpace`).
 */
export class OnnxVectors {
  private constructor(
    private readonly trained: TrainedModelDir,
    private readonly session: OnnxModelSession,
  ) {}

  static async open(trained: TrainedModelDir): Promise<OnnxVectors> {
    const c = trained.model.config;
    const session = await OnnxModelSession.create(
      exportOnnx(trained.model),
      { samples: c.ecg.samples, leads: c.ecg.leads, features: c.clinical.inputDim },
      { threads: 1 },
    );
    return new OnnxVectors(trained, session);
  }

  /** Vectors in the prototype space (and encoded clinical vectors with a context gate), one batch: [B, D]. */
  async vectors(items: readonly BatchSource[]): Promise<PoolVectors> {
    const t = this.trained;
    const mode = t.extra.training.clinicalInput;
    const inputs = withClinicalInput(items, mode);
    const batch = makeBatch(inputs, t.encoder);
    const out = await this.session.run({
      batch: batch.size,
      ecg: batch.ecg,
      leadMask: batch.leadMask,
      clinical: batch.clinical,
    });
    const rows = (data: Float32Array): Float32Array[] => {
      const d = data.length / batch.size;
      return Array.from({ length: batch.size }, (_, i) => data.slice(i * d, (i + 1) * d));
    };
    const vectors = inSpace(
      {
        fused: rows(out.fused),
        ecg: rows(out.ecg_embedding),
        clinical: rows(out.clinical_embedding),
        measurements: inputs.map((e) => e.measurements ?? null),
      },
      t.space,
    );
    return t.head.contextGate ? { vectors, clinical: encodeClinical(items, t.encoder, mode) } : { vectors };
  }
}
