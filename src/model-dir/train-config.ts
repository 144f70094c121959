import { availableParallelism } from 'node:os';
import { z } from 'zod';
import { DEFAULT_AUGMENT } from '../data/augment.js';
import type { FewShotClassifier } from '../fewshot/support-classifier.js';

/** Training worker threads by default: 2 when the machine has at least two cores, else 0 (in process). */
export function defaultWorkerCount(): number {
  return availableParallelism() >= 2 ? 2 : 0;
}

/**
 * Episodic training settings (the `training` part of a model's config.json). Defaults
 * (docs/method.md): λ1 = 1, λ2 = 0.5, β = 0.5, γ = 2, η = 0.5, ρ = 0.3.
 */
export const trainConfigSchema = z.object({
  /** Training episodes (optimiser steps). */
  episodes: z.number().int().min(1).default(2000),
  /** N-way of training episodes (capped at the number of base classes). */
  ways: z.number().int().min(2).default(5),
  shots: z.number().int().min(1).default(5),
  queries: z.number().int().min(1).default(5),
  /** λ1, weight of L_class. */
  lambda1: z.number().min(0).default(1),
  /** λ2, weight of L_consistency. */
  lambda2: z.number().min(0).default(0.5),
  /** Weight of L_contrastive (1 in the method; 0 is the no-contrastive ablation). */
  contrastiveWeight: z.number().min(0).default(1),
  /** β ∈ [0, 1], weight of same-class negatives of other patients. */
  beta: z.number().min(0).max(1).default(0.5),
  /** γ ≥ 1, weight of same-age-band negatives of other classes. */
  gamma: z.number().min(1).default(2),
  /** η, weight of the embedding term of L_consistency. */
  eta: z.number().min(0).default(0.5),
  /** ρ, metadata-dropout rate of the perturbed views. */
  metadataDropout: z.number().min(0).max(1).default(0.3),
  /** Adam learning rate at the start of the schedule. */
  learningRate: z.number().positive().default(1e-3),
  /**
   * `cosine` decays to `minLearningRate` over the run; `step` multiplies by `stepFactor` every
   * `stepEvery` episodes.
   */
  schedule: z.enum(['cosine', 'step', 'constant']).default('cosine'),
  minLearningRate: z.number().min(0).default(1e-5),
  stepEvery: z.number().int().min(1).default(500),
  stepFactor: z.number().positive().max(1).default(0.5),
  /** Validate (and checkpoint) every this many episodes. */
  validateEvery: z.number().int().min(1).default(100),
  /** Validation episodes per check (same episodes every time). */
  validationEpisodes: z.number().int().min(1).default(40),
  /**
   * Validation episodes of the final calibration (prototype space, α, measurements, abstention
   * thresholds); default `validationEpisodes`. More episodes make the choice among close candidate
   * spaces less noisy (on the demo model, 200 and 1,000 episodes chose α 1 and 0.7).
   */
  calibrationEpisodes: z.number().int().min(1).optional(),
  /** Stop when validation accuracy has not improved for this many checks. */
  patience: z.number().int().min(1).default(5),
  /**
   * `episodic`: the method, L_total over episodes. `supervised`: the supervised-pretraining
   * baseline, cross-entropy of a linear head over every base class on the fused embedding of the
   * same episodes' recordings (Chen et al., "A Closer Look at Few-shot Classification", ICLR 2019).
   */
  objective: z.enum(['episodic', 'supervised']).default('episodic'),
  /**
   * `use` feeds the clinical context; `blank` marks every clinical field (and age and sex) missing
   * in training and inference: the ECG-only prototypical-network baseline.
   */
  clinicalInput: z.enum(['use', 'blank']).default('use'),
  /**
   * The embedding L_class and the consistency term's class distributions are computed on:
   * `fused` z = fuse(h, g) (docs/method.md), or `ecg` h, so that the clinical context shapes the ECG
   * encoder only through L_contrastive (privileged information at training time) and prototypes of
   * novel classes are not built on clinical-to-class associations learnt on base classes.
   */
  classEmbedding: z.enum(['fused', 'ecg']).default('ecg'),
  /**
   * How few-shot queries are classified from a support set (src/fewshot/support-classifier.ts):
   * `support-softmax`, a softmax classifier fitted on the support vectors (Chen et al. 2019), or
   * `prototype`, the nearest prototype (Snell et al. 2017; the ECG-only baseline).
   */
  fewShotClassifier: z.enum(['prototype', 'support-softmax']).default('support-softmax'),
  /**
   * κ, the share of squared distances the encoded clinical vector gets when the support set opens
   * the context gate (src/fewshot/context-gate.ts); 0 turns the gate off. Calibration fits its
   * multiplier β on validation children. Used by models calibrated since the gate exists.
   */
  contextShare: z.number().min(0).default(0.2),
  /**
   * The drop in leave-one-out NLL (nats per support example) the clinical context must bring to a
   * support set to be used.
   */
  contextMargin: z.number().min(0).default(0.05),
  /**
   * Worker threads that run the forward and backward passes of each step (`TrunkPool` with the
   * `onnx` engine, `WorkerPool` with `tfjs`); 0 runs in process. The result does not depend on it
   * beyond float rounding.
   */
  workers: z.number().int().min(0).max(16).default(defaultWorkerCount),
  /**
   * What computes a step (src/train/step-runner.ts): `onnx` runs the ECG encoder's convolutional
   * trunk, forward and backward, on ONNX Runtime's native kernels (`OnnxTrunkRunner`; the rest of
   * the model, the loss and Adam stay in tfjs), `tfjs` runs everything in tfjs (wasm). The result
   * does not depend on it beyond float rounding.
   */
  engine: z.enum(['onnx', 'tfjs']).default('onnx'),
  /** Add a second recording of each episode patient that has one, as extra contrastive positives. */
  extraPositives: z.boolean().default(true),
  /**
   * Probability that a training recording (in the clean batch and in each perturbed view) is seen
   * through a random subset of its leads (`restrictToRandomLeads`: 1, 2, 3 or 6 leads), so that the
   * encoder learns from the lead sets it will meet (wearables, Holters, limb-only carts), not only
   * from 12 leads. 0 (the default) trains on every recorded lead: at 0.5, under the demo's budget, base-class
   * validation of the seed-1 model on single lead I rose from 0.42 to 0.54 and on II + V1 from 0.66 to 0.73, but on
   * all 12 leads fell from 0.89 to 0.83, and real single-lead AF (MIT-BIH lead II) from 0.843 to 0.783.
   */
  leadSubsets: z.number().min(0).max(1).default(0),
  /** Probability that a lead kept by a lead subset has its polarity reversed. */
  polarityFlip: z.number().min(0).max(1).default(0.1),
  augment: z
    .object({
      amplitudeScale: z.number().min(0).max(1),
      timeShift: z.number().min(0).max(0.5),
      gaussianNoise: z.number().min(0),
      emgNoise: z.number().min(0),
      baselineWander: z.number().min(0),
      leadDropout: z.number().min(0).max(1),
      timeWarp: z.number().min(0).max(0.5),
    })
    .default(DEFAULT_AUGMENT),
});

export type TrainConfig = z.infer<typeof trainConfigSchema>;

/**
 * The few-shot classifier a model trained with `training` uses: its `fewShotClassifier`; supervised
 * pretraining always fine-tunes one on the support set (Chen et al. 2019).
 */
export function classifierOf(training: Pick<TrainConfig, 'objective' | 'fewShotClassifier'>): FewShotClassifier {
  return training.objective === 'supervised' ? 'support-softmax' : training.fewShotClassifier;
}
