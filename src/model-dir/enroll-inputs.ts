import type { BatchSource } from '../data/batch.js';
import { enrollBank, type PrototypeBank } from '../fewshot/prototype-bank.js';
import { modelConfigSha256, type TrainedModelDir } from './model-dir.js';
import { modelVectors } from './model-vectors.js';

/** One labelled recording to enroll: its class, where it comes from, and its model input. */
export interface EnrollItem {
  class: string;
  /** The record (a path for the CLI, a case id for the service). */
  record: string;
  patientId: string;
  input: BatchSource;
}

/**
 * Enroll a prototype bank from labelled model inputs with the model's few-shot head: each item is embedded
 * in the prototype space (with its encoded clinical vector when the model has a context gate), and the head
 * fitted on them keeps its temperature and abstention threshold at the bank's size. `fewbeat enroll` and the
 * service both build their banks here.
 */
export function enrollInputs(trained: TrainedModelDir, items: readonly EnrollItem[]): PrototypeBank {
  const vectors = modelVectors(
    trained,
    items.map((i) => i.input),
  );
  return enrollBank(
    items.map((item, i) => ({
      class: item.class,
      record: item.record,
      patientId: item.patientId,
      embedding: Array.from(vectors.vectors[i] as Float32Array),
      ...(vectors.clinical ? { clinical: Array.from(vectors.clinical[i] as Float32Array) } : {}),
    })),
    trained.head,
    modelConfigSha256(trained.dir),
  );
}
