import { FewbeatError } from '../../errors.js';

/**
 * Confusion matrix C over classes 0..K−1: `C[i][j]` counts the samples whose true class is i and
 * whose predicted class is j (rows = truth, columns = prediction, as scikit-learn's
 * `confusion_matrix(y_true, y_pred, labels=range(K))`).
 *
 * @param yTrue true class index per sample, length N
 * @param yPred predicted class index per sample, length N
 * @param classCount K
 * @param weights optional weight per sample (scikit-learn's `sample_weight`), e.g. bootstrap counts
 * @returns K×K counts (sums of weights)
 */
export function confusionMatrix(
  yTrue: readonly number[],
  yPred: readonly number[],
  classCount: number,
  weights?: ArrayLike<number>,
): number[][] {
  assertSameLength('yTrue', yTrue.length, 'yPred', yPred.length);
  const matrix = Array.from({ length: classCount }, () => new Array<number>(classCount).fill(0));
  for (let i = 0; i < yTrue.length; i++) {
    const t = checkedClassIndex(yTrue[i], classCount, `yTrue[${i}]`);
    const p = checkedClassIndex(yPred[i], classCount, `yPred[${i}]`);
    (matrix[t] as number[])[p] =
      ((matrix[t] as number[])[p] as number) + (weights === undefined ? 1 : (weights[i] as number));
  }
  return matrix;
}

/** A class index checked to be an integer in [0, K); throws a FewbeatError naming `where` otherwise. */
export function checkedClassIndex(value: number | undefined, classCount: number, where: string): number {
  if (value === undefined || !Number.isInteger(value) || value < 0 || value >= classCount) {
    throw new FewbeatError(`class index ${String(value)} is not an integer in [0, ${classCount})`, { location: where });
  }
  return value;
}

/** Throws a FewbeatError when two inputs that pair sample by sample have different lengths. */
export function assertSameLength(nameA: string, lengthA: number, nameB: string, lengthB: number): void {
  if (lengthA !== lengthB) {
    throw new FewbeatError(`${nameA} has ${lengthA} samples but ${nameB} has ${lengthB}`, { location: 'metrics' });
  }
}
