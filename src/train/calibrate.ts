import { calibrateThreshold } from '../fewshot/prototype-bank.js';
import type { PrototypeSpace } from '../fewshot/prototype-space.js';
import { fitContextGate, withContext, type ContextGate } from '../fewshot/context-gate.js';
import {
  episodeContextDecision,
  NO_SUPPORT_AUGMENTATION,
  type SupportAugmentation,
} from '../fewshot/support-augmentation.js';
import type { FewShotClassifier } from '../fewshot/support-classifier.js';
import { fitTemperature } from '../fewshot/temperature-scaling.js';
import type { EpisodicModel } from '../models/episodic-model.js';
import type { ModelDirExtra } from '../model-dir/model-dir.js';
import type { TrainConfig } from '../model-dir/train-config.js';
import type { Validator } from './validate.js';

/** Shot counts the abstention threshold is calibrated for. */
export const CALIBRATED_SHOTS = [1, 5] as const;
/** Quantile of validation own-class distances used as the abstention threshold. */
export const ABSTENTION_QUANTILE = 0.95;

/** Validation episodes the final calibration uses: `calibrationEpisodes`, else the per-check count. */
export function calibrationEpisodes(training: Pick<TrainConfig, 'calibrationEpisodes' | 'validationEpisodes'>): number {
  return training.calibrationEpisodes ?? training.validationEpisodes;
}

/** The context gate a training config asks calibration for (none when its share κ is 0). */
export function contextGateChoice(
  t: Pick<TrainConfig, 'contextShare' | 'contextMargin'>,
): CalibrationChoice['contextGate'] {
  return t.contextShare > 0 ? { share: t.contextShare, margin: t.contextMargin } : undefined;
}

/** What calibration sets in a model directory, and the validation accuracy of every candidate space. */
export interface Calibration {
  prototypeSpace: PrototypeSpace;
  abstention: ModelDirExtra['abstention'];
  /** Temperature T of the classifier's probabilities (`scaleProbabilities`) per support size in {@link CALIBRATED_SHOTS}, fitted on validation queries. */
  probabilityTemperatures: Record<string, number>;
  accuracies: Array<{ space: PrototypeSpace; accuracy: number }>;
  /** Support-set augmentation chosen in that space (none unless asked for). */
  supportAugmentation: SupportAugmentation;
  /** Validation accuracy of every augmentation candidate compared (empty unless asked for). */
  augmentationAccuracies: Array<{ views: number; testTime: boolean; accuracy: number }>;
  /** The clinical-context gate, its weight fitted on the validation children (null: off, or no clinical input). */
  contextGate: ContextGate | null;
  /** How often the gate opened on the validation episodes, per support size in {@link CALIBRATED_SHOTS}. */
  contextUse: Record<string, { used: number; episodes: number }>;
}

/** How the calibrated model classifies, and whether calibration also chooses a support-set augmentation. */
export interface CalibrationChoice {
  classifier: FewShotClassifier;
  /** Choose the support-set augmentation with views of this seed (recorded with the choice, so evaluation and enrolment reproduce them); none when absent. */
  augmentationSeed?: number;
  /** The context gate's share κ and margin (src/fewshot/context-gate.ts); none when absent or κ = 0. */
  contextGate?: { share: number; margin: number };
}

/**
 * Calibrate a trained model on validation episodes of held-out base-class patients (never novel
 * classes). First the prototype space with the best validation accuracy
 * (`Validator.choosePrototypeSpace`: which space, its weight α and the measurement
 * standardisation); when `choice.augmentationSeed` is given, the support-set augmentation with the
 * best validation accuracy of the model's classifier in that space
 * (`Validator.chooseSupportAugmentation`). When `choice.contextGate` is given and the model sees
 * clinical input, the clinical-context gate with its weight β fitted on the validation children
 * (`fitContextGate`; the gate itself decides per support set, so there is nothing to choose).
 * Then, for each of {@link CALIBRATED_SHOTS}: the abstention threshold, the
 * {@link ABSTENTION_QUANTILE} quantile of validation queries' squared distances to their own class
 * prototype (of the original support vectors: abstention ignores augmentation and the context), and
 * the temperature of the classifier's probabilities that minimises their negative log-likelihood on
 * the validation queries, with the chosen augmentation and the gate (`fitTemperature`, Guo et al.
 * 2017: it changes confidence, never a prediction; a softmax fitted on 5 examples per class is surer
 * than one fitted on 1). Training runs it on its best model; `fewbeat recalibrate` reruns it on a saved model
 * (e.g. after new measurements).
 */
export function calibrateOnValidation(
  validator: Validator,
  model: EpisodicModel,
  choice: CalibrationChoice,
): Calibration {
  const chosen = validator.choosePrototypeSpace(model);
  // One embedding of the validation pool in the chosen space serves the gate's fit and, without
  // augmented views, every per-shot calibration below.
  const plain = validator.vectorsInSpace(model, chosen.space);
  const clinical =
    choice.contextGate && validator.clinicalInput === 'use' && validator.episodes.length > 0
      ? validator.clinicalVectors()
      : null;
  const gate =
    choice.contextGate && clinical
      ? fitContextGate(plain.vectors, clinical, choice.contextGate.share, choice.contextGate.margin)
      : null;
  const augmented =
    choice.augmentationSeed !== undefined
      ? validator.chooseSupportAugmentation(
          model,
          chosen.space,
          choice.classifier,
          choice.augmentationSeed,
          undefined,
          gate,
        )
      : { augmentation: NO_SUPPORT_AUGMENTATION, accuracies: [] };
  const thresholds: Record<string, number> = {};
  const temperatures: Record<string, number> = {};
  const contextUse: Record<string, { used: number; episodes: number }> = {};
  const embedded =
    augmented.augmentation.views === 0 ? plain : validator.vectorsInSpace(model, chosen.space, augmented.augmentation);
  const vectors = withContext(embedded, () => clinical ?? [], gate);
  for (const shots of CALIBRATED_SHOTS) {
    const episodes = validator.episodesAt(shots);
    const distances = validator.ownClassDistances(vectors.vectors, episodes);
    if (distances.length > 0) thresholds[String(shots)] = calibrateThreshold(distances, ABSTENTION_QUANTILE);
    const queries = validator.queryProbabilities(vectors, choice.classifier, augmented.augmentation.testTime, episodes);
    if (queries.labels.length > 0) temperatures[String(shots)] = fitTemperature(queries.probabilities, queries.labels);
    if (gate)
      contextUse[String(shots)] = {
        used: episodes.filter((e) => episodeContextDecision(e, vectors)?.used).length,
        episodes: episodes.length,
      };
  }
  return {
    prototypeSpace: chosen.space,
    abstention: Object.keys(thresholds).length > 0 ? { quantile: ABSTENTION_QUANTILE, thresholds } : null,
    probabilityTemperatures: temperatures,
    accuracies: chosen.accuracies,
    supportAugmentation: augmented.augmentation,
    augmentationAccuracies: augmented.accuracies,
    contextGate: gate,
    contextUse,
  };
}
