import type { ModelConfigInput } from '../../models/config.js';
import type { TrainConfig } from '../../model-dir/train-config.js';

/** A model trained like the full one except for these changes (same budget, seed and episodes). */
export interface Variant {
  name: string;
  /** What it tests, for the report and README. */
  question: string;
  training?: Partial<TrainConfig>;
  model?: ModelConfigInput;
}

/**
 * Baselines that need their own training run. The ECG-only prototypical network (Snell et al.
 * 2017) is the same architecture with every clinical field, age and sex marked missing in
 * training and inference, trained with L_class alone. The supervised baseline pretrains the same
 * network with cross-entropy over the base classes and fine-tunes a new classifier on each
 * episode's support set (Chen et al. 2019).
 */
export const TRAINED_BASELINES: readonly Variant[] = [
  {
    name: 'ecg-only-protonet',
    question: 'what the clinical context adds',
    training: { clinicalInput: 'blank', contrastiveWeight: 0, lambda2: 0, fewShotClassifier: 'prototype' },
  },
  {
    name: 'supervised-finetune',
    question: 'what episodic meta-training adds over supervised pretraining + fine-tuning on the support set',
    training: { objective: 'supervised', contrastiveWeight: 0, lambda2: 0 },
  },
];

/**
 * The ablations of `fewbeat ablate`: each removes one design element of the method
 * (docs/method.md). There is no fusion ablation: the model has one fusion (late, see
 * `LateFusion`).
 */
export const ABLATIONS: readonly Variant[] = [
  {
    name: 'no-contrastive',
    question: 'does the cross-modal contrastive term help?',
    training: { contrastiveWeight: 0 },
  },
  { name: 'no-consistency', question: 'does the two-view consistency term help?', training: { lambda2: 0 } },
  {
    name: 'no-label-aware-negatives',
    question: 'do β < 1 and γ > 1 help over plain InfoNCE (β = γ = 1)?',
    training: { beta: 1, gamma: 1 },
  },
  {
    name: 'no-false-negative-weighting',
    question: 'does down-weighting same-class negatives of other patients (β < 1) help?',
    training: { beta: 1 },
  },
  {
    name: 'no-hard-negatives',
    question: 'does up-weighting same-age-band negatives of other classes (γ > 1) help?',
    training: { gamma: 1 },
  },
];
