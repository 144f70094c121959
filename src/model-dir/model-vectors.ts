import { encodeClinical, type BatchSource } from '../data/batch.js';
import type { TrainedModelDir } from './model-dir.js';
import { contextGateOf, withContext } from '../fewshot/context-gate.js';
import { inSpace } from '../fewshot/prototype-space.js';
import { embedWithViews, type AugmentedVectors, type SupportAugmentation } from '../fewshot/support-augmentation.js';

/**
 * A trained model's vectors in its prototype space for these recordings, with `augmentation.views`
 * augmented views of each (the same space, the same clinical input as `prototypeVectors`) and, when
 * the model has a context gate, each recording's weighted clinical vector (src/fewshot/context-gate.ts).
 */
export function modelVectorsWithViews(
  trained: TrainedModelDir,
  items: readonly BatchSource[],
  augmentation: Pick<SupportAugmentation, 'views' | 'seed'>,
): AugmentedVectors {
  const space = trained.extra.prototypeSpace ?? { kind: 'fused' as const };
  const { clinicalInput } = trained.extra.training;
  const vectors = embedWithViews(trained.model, items, trained.encoder, augmentation, (e) => inSpace(e, space), {
    clinicalInput,
  });
  return withContext(
    vectors,
    () => encodeClinical(items, trained.encoder, clinicalInput),
    contextGateOf(trained.extra),
  );
}
