import { fitContextGate, type ContextGate } from '../fewshot/context-gate.js';
import type { FewShotHeadConfig } from '../fewshot/few-shot-head.js';
import { calibrateThreshold } from '../fewshot/prototype-bank.js';
import type { PrototypeSpace } from '../fewshot/prototype-space.js';
import type { FewShotClassifier } from '../fewshot/support-classifier.js';
import { fitTemperature } from '../fewshot/temperature-scaling.js';
import type { EpisodicModel } from '../models/episodic-model.js';
import type { TrainConfig } from '../model-dir/train-config.js';
import type { Validator } from './model-selection.js';

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
  abstention: FewShotHeadConfig['abstention'];
  /**
   * Temperature T of the classifier's probabilities (`scaleProbabilities`) per support size in
   * {@link CALIBRATED_SHOTS}, fitted on validation queries.
   */
  probabilityTemperatures: Record<string, number>;
  accuracies: Array<{ space: PrototypeSpace; accuracy: number }>;
  /** The clinical-context gate, its weight fitted on the validation children (null: off, or no clinical input). */
  contextGate: ContextGate | null;
  /** How often the gate opened on the validation episodes, per support size in {@link CALIBRATED_SHOTS}. */
  contextUse: Record<string, { used: number; episodes: number }>;
}

/** How the calibrated model classifies. */
export interface CalibrationChoice {
  classifier: FewShotClassifier;
  /** The context gate's share κ and margin (src/fewshot/context-gate.ts); none when absent or κ = 0. */
  contextGate?: { share: number; margin: number };
}

/**
 * Calibrate a trained model on validation episodes of held-out base-class patients (never novel
 * classes). First the prototype space with the best validation accuracy
 * (`Validator.choosePrototypeSpace`: which space, its weight α and the measurement
 * standardisation). When `choice.contextGate` is given and the model sees
 * clinical input, the clinical-context gate with its weight β fitted on the validation children
 * (`fitContextGate`; the gate itself decides per support set, so there is nothing to choose).
 * Then, for each of {@link CALIBRATED_SHOTS}: the abstention threshold, the
 * {@link ABSTENTION_QUANTILE} quantile of validation queries' squared distances to their own class
 * prototype (abstention ignores the context), and
 * the temperature of the few-shot head's probabilities that minimises their negative log-likelihood on
 * the validation queries, with the gate (`fitTemperature`, Guo et al.
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
  // One embedding of the validation pool in the chosen space serves the gate's fit and every
  // per-shot calibration below.
  const wantsGate =
    choice.contextGate !== undefined && validator.clinicalInput === 'use' && validator.episodes.length > 0;
  const pool = validator.poolVectors(model, chosen.space, wantsGate);
  const gate =
    choice.contextGate && pool.clinical
      ? fitContextGate(pool.vectors, pool.clinical, choice.contextGate.share, choice.contextGate.margin)
      : null;
  // The head being calibrated: its temperatures are what is fitted here, so none yet.
  const head: FewShotHeadConfig = {
    classifier: choice.classifier,
    contextGate: gate,
    probabilityTemperatures: {},
    abstention: null,
  };
  const thresholds: Record<string, number> = {};
  const temperatures: Record<string, number> = {};
  const contextUse: Record<string, { used: number; episodes: number }> = {};
  for (const shots of CALIBRATED_SHOTS) {
    const episodes = validator.episodesAt(shots);
    const distances = validator.ownClassDistances(pool, episodes);
    if (distances.length > 0) thresholds[String(shots)] = calibrateThreshold(distances, ABSTENTION_QUANTILE);
    const queries = validator.queryProbabilities(pool, head, episodes);
    if (queries.labels.length > 0) temperatures[String(shots)] = fitTemperature(queries.probabilities, queries.labels);
    if (gate) contextUse[String(shots)] = { used: queries.contextUsed, episodes: episodes.length };
  }
  return {
    prototypeSpace: chosen.space,
    abstention: Object.keys(thresholds).length > 0 ? { quantile: ABSTENTION_QUANTILE, thresholds } : null,
    probabilityTemperatures: temperatures,
    accuracies: chosen.accuracies,
    contextGate: gate,
    contextUse,
  };
}
