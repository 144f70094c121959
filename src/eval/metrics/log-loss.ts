import { assertSameLength, checkedClassIndex } from './confusion-matrix.js';
import { assertProbabilityRows } from './probability-rows.js';

/** Machine epsilon of float64 (2⁻⁵²), scikit-learn's `eps='auto'` for float64 input. */
const FLOAT64_EPS = 2 ** -52;

/**
 * Mean cross-entropy (log loss) of the true classes,
 *
 *     L = −(1/N) Σ_i log p̃_{i, y_i},   p̃_i = clip(p_i, ε, 1−ε) / Σ_k clip(p_ik, ε, 1−ε),
 *
 * with ε = 2⁻⁵², as scikit-learn 1.2's `log_loss` (clip, then renormalise each row). Lower is
 * better; a uniform guess over K classes scores log K.
 *
 * @param yTrue N true class indices
 * @param probabilities N rows of class probabilities (rows may differ in length, e.g. episodes of
 *   different ways); y_i indexes row i
 */
export function logLoss(yTrue: readonly number[], probabilities: readonly (readonly number[])[]): number {
  assertSameLength('yTrue', yTrue.length, 'probabilities', probabilities.length);
  assertProbabilityRows(probabilities);
  let total = 0;
  probabilities.forEach((row, i) => {
    const t = checkedClassIndex(yTrue[i], row.length, `yTrue[${i}]`);
    const clipped = row.map((p) => Math.min(Math.max(p, FLOAT64_EPS), 1 - FLOAT64_EPS));
    const sum = clipped.reduce((a, b) => a + b, 0);
    total -= Math.log((clipped[t] as number) / sum);
  });
  return yTrue.length === 0 ? Number.NaN : total / yTrue.length;
}
