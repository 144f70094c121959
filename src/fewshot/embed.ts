import * as tf from '@tensorflow/tfjs';
import type { ClinicalEncoder } from '../clinical/encode.js';
import { makeBatch, withClinicalInput, type BatchSource } from '../data/batch.js';
import type { MeasurementValues } from '../data/measurements.js';
import { batchTensors } from '../models/batch-tensors.js';
import type { EpisodicModel } from '../models/episodic-model.js';

/** The embeddings of a set of recordings, one Float32Array per recording. */
export interface Embeddings {
  /** z, fused (what prototypes are built from). */
  fused: Float32Array[];
  /** h, ECG only. */
  ecg: Float32Array[];
  /** g, clinical only. */
  clinical: Float32Array[];
  /** The recordings' ECG measurements (null where not measured), for measurement-augmented spaces. */
  measurements?: Array<MeasurementValues | null>;
}

function rowsOf(t: tf.Tensor2D): Float32Array[] {
  const [n, d] = t.shape;
  const data = t.dataSync() as Float32Array;
  return Array.from({ length: n }, (_, i) => data.slice(i * d, (i + 1) * d));
}

/**
 * Embed recordings with the model in inference mode, `batchSize` at a time; no tensor outlives the
 * call. `clinicalInput: 'blank'` hides the clinical context (models trained that way).
 */
export function embedAll(
  model: EpisodicModel,
  items: readonly BatchSource[],
  encoder: ClinicalEncoder,
  { clinicalInput = 'use', batchSize = 32 }: { clinicalInput?: 'use' | 'blank'; batchSize?: number } = {},
): Embeddings {
  const inputs = withClinicalInput(items, clinicalInput);
  const out: Embeddings = { fused: [], ecg: [], clinical: [], measurements: inputs.map((e) => e.measurements ?? null) };
  for (let start = 0; start < inputs.length; start += batchSize) {
    const batch = makeBatch(inputs.slice(start, start + batchSize), encoder);
    tf.tidy(() => {
      const r = model.forward(batchTensors(batch), { training: false });
      out.fused.push(...rowsOf(r.fused));
      out.ecg.push(...rowsOf(r.ecgEmbedding));
      out.clinical.push(...rowsOf(r.clinicalEmbedding));
    });
  }
  return out;
}
