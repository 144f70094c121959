import { encodeClinical, type BatchSource } from '../data/batch.js';
import type { PoolVectors } from '../fewshot/classify-episode.js';
import { embedAll } from '../fewshot/embed.js';
import { inSpace } from '../fewshot/prototype-space.js';
import type { TrainedModelDir } from './model-dir.js';

/** A trained model's vectors in its prototype space for these recordings (inference mode, no tensor kept). */
export function prototypeVectors(trained: TrainedModelDir, items: readonly BatchSource[]): Float32Array[] {
  const embeddings = embedAll(trained.model, items, trained.encoder, {
    clinicalInput: trained.extra.training.clinicalInput,
  });
  return inSpace(embeddings, trained.space);
}

/**
 * What the model's few-shot head needs of these recordings: their vectors in its prototype space
 * and, when the head has a context gate, their encoded clinical vectors (as the model sees them).
 */
export function modelVectors(trained: TrainedModelDir, items: readonly BatchSource[]): PoolVectors {
  const vectors = prototypeVectors(trained, items);
  return trained.head.contextGate
    ? { vectors, clinical: encodeClinical(items, trained.encoder, trained.extra.training.clinicalInput) }
    : { vectors };
}
