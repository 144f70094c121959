import { binaryAuroc, meanOfDefined, type AurocResult } from './auroc.js';
import { accuracy, balancedAccuracy } from './balanced-accuracy.js';
import { brierScore } from './brier-score.js';
import { calibration, type Calibration } from './calibration.js';
import { confusionMatrix } from './confusion-matrix.js';
import { logLoss } from './log-loss.js';
import type { PooledPredictions } from './pooled-predictions.js';
import { precisionRecallF1 } from './precision-recall-f1.js';
import { rocCurve, type RocCurve } from './roc-curve.js';
import { sensitivitySpecificity } from './sensitivity-specificity.js';

/** Resolution of the stored ROC curves: far below what a plot shows. */
const ROC_PLOT_STEP = 0.002;

/** Metrics of one class over the pooled queries. */
export interface PooledClassMetrics {
  precision: number;
  /** = sensitivity */
  recall: number;
  f1: number;
  auroc: AurocResult;
  sensitivity: number | null;
  specificity: number | null;
  support: number;
  /** queries whose episode offered this class (the AUROC population) */
  aurocQueries: number;
  /**
   * ROC curve over the same population, for plotting (corners, thinned to steps ≥ 0.002); null when AUROC is undefined
   */
  roc: RocCurve | null;
}

/** Every pooled metric of a set of query predictions. */
export interface PooledMetrics {
  queries: number;
  accuracy: number;
  balancedAccuracy: number;
  f1Macro: number;
  /** mean of the defined per-class AUROCs; null when none is defined */
  aurocMacro: number | null;
  logLoss: number;
  brier: number;
  calibration: Calibration;
  /** K×K, rows = true class, columns = predicted class, in `classes` order */
  confusion: number[][];
  perClass: PooledClassMetrics[];
}

/** Options of {@link pooledMetrics}. */
export interface PooledMetricsOptions {
  /** @default 15 — see {@link calibration} */
  calibrationBins?: number;
}

/**
 * Pools the query predictions of all episodes and computes every metric over them.
 *
 * - Confusion matrix, balanced accuracy, precision/recall/F1 (macro over the classes seen in the
 *   truth or the predictions, zero_division = 0), sensitivity/specificity/support: over the global
 *   class list; the prediction of a query is its arg-max among its own episode's classes.
 * - AUROC of class c (one-vs-rest): over the queries whose episode contained c, with score
 *   p(c | query); positives are the queries of class c. A query from an episode without c is left
 *   out rather than given p(c) = 0, which would make such easy negatives inflate the AUROC when
 *   N-way episodes draw from a larger pool. Undefined (null with a reason) when that population
 *   lacks positives or negatives; the macro AUROC is the mean over defined classes.
 * - Log loss and Brier score over each query's episode-local probabilities.
 * - ECE and reliability bins from the confidence (max probability) and correctness of each query.
 */
export function pooledMetrics(pooled: PooledPredictions, options: PooledMetricsOptions = {}): PooledMetrics {
  const k = pooled.classes.length;
  const confusion = confusionMatrix(pooled.yTrue, pooled.yPred, k);
  const prf = precisionRecallF1(confusion);
  const ss = sensitivitySpecificity(confusion);
  const perClass = pooled.classes.map((_, c): PooledClassMetrics => {
    const { auroc, isPositive, scores } = pooledClassAuroc(pooled, c);
    const ssC = ss[c] as (typeof ss)[number];
    return {
      precision: prf.precision[c] as number,
      recall: prf.recall[c] as number,
      f1: prf.f1[c] as number,
      auroc,
      sensitivity: ssC.sensitivity,
      specificity: ssC.specificity,
      support: ssC.support,
      aurocQueries: isPositive.length,
      roc: auroc.value === null ? null : rocCurve(isPositive, scores, { minStep: ROC_PLOT_STEP }),
    };
  });
  const correct = pooled.yTrue.map((t, i) => t === pooled.yPred[i]);
  return {
    queries: pooled.yTrue.length,
    accuracy: accuracy(confusion),
    balancedAccuracy: balancedAccuracy(confusion),
    f1Macro: prf.f1Macro,
    aurocMacro: meanOfDefined(perClass.map((m) => m.auroc.value)),
    logLoss: logLoss(pooled.localTrue, pooled.localRows),
    brier: brierScore(pooled.localTrue, pooled.localRows),
    calibration: calibration(
      pooled.confidence,
      correct,
      options.calibrationBins === undefined ? {} : { binCount: options.calibrationBins },
    ),
    confusion,
    perClass,
  };
}

/**
 * One-vs-rest AUROC of global class `c` over the queries whose episode contained it, score
 * p(c | query), positives = queries of class c; with the population it was computed on.
 */
export function pooledClassAuroc(
  pooled: PooledPredictions,
  c: number,
): { auroc: AurocResult; isPositive: boolean[]; scores: number[] } {
  const population = pooled.inEpisode.flatMap((member, i) => (member[c] ? [i] : []));
  const isPositive = population.map((i) => pooled.yTrue[i] === c);
  const scores = population.map((i) => (pooled.scores[i] as number[])[c] as number);
  const auroc: AurocResult =
    population.length === 0 ? { value: null, reason: 'the class was in no episode' } : binaryAuroc(isPositive, scores);
  return { auroc, isPositive, scores };
}
