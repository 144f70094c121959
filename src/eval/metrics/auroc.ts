import { assertSameLength, checkedClassIndex } from './confusion-matrix.js';
import { tieGroups } from './tie-groups.js';

/** An area under the ROC curve, or `null` with the reason it is undefined. */
export type AurocResult = { value: number; reason?: undefined } | { value: null; reason: string };

/**
 * Area under the ROC curve, as scikit-learn's `roc_auc_score`: the Mann–Whitney probability
 *
 *     AUROC = P(s⁺ > s⁻) + ½·P(s⁺ = s⁻)
 *
 * that a random positive outscores a random negative, ties counting one half (Hanley & McNeil
 * 1982); this equals the trapezoidal area under the ROC curve (roc-curve.ts), whose tied scores move the curve
 * diagonally. Undefined (value `null`) when there is no positive or no negative sample;
 * scikit-learn raises "Only one class present in y_true" there.
 */
export function binaryAuroc(isPositive: readonly boolean[], scores: readonly number[]): AurocResult {
  assertSameLength('isPositive', isPositive.length, 'scores', scores.length);
  return aurocOfTieGroups(tieGroups(scores), isPositive);
}

/**
 * AUROC from tie groups (decreasing score) with optional sample weights w (bootstrap counts):
 * walking down the groups, with P⁺ the positive weight already passed and p_g, n_g the positive
 * and negative weight of group g,
 *
 *     AUROC = Σ_g n_g · (P⁺ + p_g / 2) / (P · N),   P, N = total positive and negative weight.
 */
export function aurocOfTieGroups(
  groups: readonly (readonly number[])[],
  isPositive: readonly boolean[],
  weights?: ArrayLike<number>,
): AurocResult {
  let passedPositive = 0;
  let area = 0;
  let negative = 0;
  for (const group of groups) {
    let p = 0;
    let n = 0;
    for (const i of group) {
      const w = weights === undefined ? 1 : (weights[i] as number);
      if (isPositive[i]) p += w;
      else n += w;
    }
    area += n * (passedPositive + p / 2);
    passedPositive += p;
    negative += n;
  }
  if (passedPositive === 0) return { value: null, reason: 'no positive samples' };
  if (negative === 0) return { value: null, reason: 'no negative samples' };
  return { value: area / (passedPositive * negative) };
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
export function oneVsRestAuroc(
  yTrue: readonly number[],
  scores: readonly (readonly number[])[],
  classCount: number,
): OneVsRestAuroc {
  assertSameLength('yTrue', yTrue.length, 'scores', scores.length);
  yTrue.forEach((t, i) => checkedClassIndex(t, classCount, `yTrue[${i}]`));
  const perClass = Array.from({ length: classCount }, (_, k) =>
    binaryAuroc(
      yTrue.map((t) => t === k),
      scores.map((row) => row[k] ?? Number.NaN),
    ),
  );
  return { perClass, macro: meanOfDefined(perClass.map((r) => r.value)) };
}

/** Mean of the non-null values, or null when there are none. */
export function meanOfDefined(values: readonly (number | null)[]): number | null {
  const defined = values.filter((v): v is number => v !== null);
  return defined.length === 0 ? null : defined.reduce((a, b) => a + b, 0) / defined.length;
}
