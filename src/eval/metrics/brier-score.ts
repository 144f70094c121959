import { assertSameLength, checkedClassIndex } from './confusion-matrix.js';
import { assertProbabilityRows } from './probability-rows.js';

/**
 * Multi-class Brier score (Brier 1950): the mean squared distance between the probability vector
 * and the one-hot truth, summed over classes,
 *
 *     B = (1/N) Σ_i Σ_k (p_ik − 1[y_i = k])²,   0 (perfect) ≤ B ≤ 2.
 *
 * @param yTrue N true class indices
 * @param probabilities N rows of class probabilities (rows may differ in length, e.g. episodes of
 *   different ways); y_i indexes row i
 */
export function brierScore(yTrue: readonly number[], probabilities: readonly (readonly number[])[]): number {
  assertSameLength('yTrue', yTrue.length, 'probabilities', probabilities.length);
  assertProbabilityRows(probabilities);
  let total = 0;
  probabilities.forEach((row, i) => {
    const t = checkedClassIndex(yTrue[i], row.length, `yTrue[${i}]`);
    row.forEach((p, k) => {
      total += (p - (k === t ? 1 : 0)) ** 2;
    });
  });
  return yTrue.length === 0 ? Number.NaN : total / yTrue.length;
}
