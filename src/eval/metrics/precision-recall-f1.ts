import { oneVsRestCounts, ratioOrZero } from './one-vs-rest-counts.js';

/** Precision, recall and F1 of each class, and their unweighted (macro) means. */
export interface PrecisionRecallF1 {
  precision: number[];
  recall: number[];
  f1: number[];
  /** which classes enter the macro means: those seen in the truth or in the predictions */
  averaged: boolean[];
  precisionMacro: number;
  recallMacro: number;
  f1Macro: number;
}

/**
 * Per-class precision, recall and F1 from a confusion matrix (rows = truth), with
 * scikit-learn's `zero_division=0` convention: a ratio whose denominator is 0 is 0.
 *
 *     precision_k = tp / (tp + fp)     recall_k = tp / (tp + fn)
 *     F1_k = 2·tp / (2·tp + fp + fn)   (= harmonic mean of precision and recall; 0 when both are 0)
 *
 * The macro mean is the plain mean over the classes that occur in the truth or the predictions,
 * which is what `f1_score(..., average='macro')` does when `labels` is not given. A class that
 * occurs in neither has every count 0 and is left out rather than counted as F1 = 0.
 */
export function precisionRecallF1(confusion: readonly (readonly number[])[]): PrecisionRecallF1 {
  const counts = oneVsRestCounts(confusion);
  const precision = counts.map((c) => ratioOrZero(c.tp, c.tp + c.fp));
  const recall = counts.map((c) => ratioOrZero(c.tp, c.tp + c.fn));
  const f1 = counts.map((c) => ratioOrZero(2 * c.tp, 2 * c.tp + c.fp + c.fn));
  const averaged = counts.map((c) => c.tp + c.fp + c.fn > 0);
  const macro = (values: number[]): number => meanWhere(values, averaged);
  return {
    precision,
    recall,
    f1,
    averaged,
    precisionMacro: macro(precision),
    recallMacro: macro(recall),
    f1Macro: macro(f1),
  };
}

/** Mean of `values[k]` over the k where `include[k]`; NaN when none is included. */
export function meanWhere(values: readonly number[], include: readonly boolean[]): number {
  let sum = 0;
  let n = 0;
  values.forEach((v, k) => {
    if (include[k]) {
      sum += v;
      n++;
    }
  });
  return n === 0 ? Number.NaN : sum / n;
}
