import { assertSameLength, checkedClassIndex } from './confusion-matrix.js';
import { rocCurve } from './roc-curve.js';

/** An area under the ROC curve, or `null` with the reason it is undefined. */
export type AurocResult = { value: number; reason?: undefined } | { value: null; reason: string };

/**
 * Area under the ROC curve by the trapezoidal rule over {@link rocCurve}, as scikit-learn's
 * `roc_auc_score`. Equals the Mann–Whitney probability P(s⁺ > s⁻) + ½·P(s⁺ = s⁻) that a random
 * positive outscores a random negative (Hanley & McNeil 1982), ties counting one half.
 *
 * Undefined (value `null`) when there is no positive or no negative sample; scikit-learn raises
 * "Only one class present in y_true" there.
 */
export function binaryAuroc(isPositive: readonly boolean[], scores: readonly number[]): AurocResult {
  const curve = rocCurve(isPositive, scores, { dropIntermediate: false });
  if (curve === null) {
    const positives = isPositive.filter(Boolean).length;
    return { value: null, reason: positives === 0 ? 'no positive samples' : 'no negative samples' };
  }
  let area = 0;
  for (let i = 1; i < curve.fpr.length; i++) {
    area += ((curve.fpr[i] as number) - (curve.fpr[i - 1] as number)) * ((curve.tpr[i] as number) + (curve.tpr[i - 1] as number)) / 2;
  }
  return { value: area };
}

/** One-vs-rest AUROC of every class and their macro mean. */
export interface OneVsRestAuroc {
  perClass: AurocResult[];
  /** unweighted mean over the classes whose AUROC is defined; null when none is */
  macro: number | null;
}

/**
 * One-vs-rest AUROC: for class k, positives are the samples of class k, negatives all others, and
 * the score is column k of the probability matrix; macro = unweighted mean over classes
 * (scikit-learn's `roc_auc_score(y, P, multi_class='ovr', average='macro')`, which instead raises
 * when a class has no positive sample; here that class is `null` with a reason and left out).
 *
 * @param yTrue N true class indices
 * @param scores N×K class scores (probabilities), column k for class k
 */
export function oneVsRestAuroc(yTrue: readonly number[], scores: readonly (readonly number[])[], classCount: number): OneVsRestAuroc {
  assertSameLength('yTrue', yTrue.length, 'scores', scores.length);
  yTrue.forEach((t, i) => checkedClassIndex(t, classCount, `yTrue[${i}]`));
  const perClass = Array.from({ length: classCount }, (_, k) => binaryAuroc(yTrue.map((t) => t === k), scores.map((row) => row[k] ?? Number.NaN)));
  return { perClass, macro: meanOfDefined(perClass.map((r) => r.value)) };
}

/** Mean of the non-null values, or null when there are none. */
export function meanOfDefined(values: readonly (number | null)[]): number | null {
  const defined = values.filter((v): v is number => v !== null);
  return defined.length === 0 ? null : defined.reduce((a, b) => a + b, 0) / defined.length;
}
