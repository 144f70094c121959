/** True/false positives and negatives of one class against all others. */
export interface OneVsRestCounts {
  /** samples of the class predicted as the class */
  tp: number;
  /** samples of other classes predicted as the class */
  fp: number;
  /** samples of the class predicted as another class */
  fn: number;
  /** samples of other classes predicted as another class */
  tn: number;
}

/**
 * One-vs-rest counts per class from a confusion matrix C (rows = truth):
 * tp_k = C[k][k], fn_k = Σ_j C[k][j] − tp_k, fp_k = Σ_i C[i][k] − tp_k, tn_k = N − tp_k − fn_k − fp_k.
 */
export function oneVsRestCounts(confusion: readonly (readonly number[])[]): OneVsRestCounts[] {
  const k = confusion.length;
  let total = 0;
  const rowSums = new Array<number>(k).fill(0);
  const colSums = new Array<number>(k).fill(0);
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < k; j++) {
      const c = confusion[i]?.[j] ?? 0;
      rowSums[i] = (rowSums[i] as number) + c;
      colSums[j] = (colSums[j] as number) + c;
      total += c;
    }
  }
  return confusion.map((row, i) => {
    const tp = row[i] ?? 0;
    const fn = (rowSums[i] as number) - tp;
    const fp = (colSums[i] as number) - tp;
    return { tp, fp, fn, tn: total - tp - fn - fp };
  });
}

/** a / b, or 0 when b is 0: scikit-learn's `zero_division=0` convention. */
export function ratioOrZero(a: number, b: number): number {
  return b === 0 ? 0 : a / b;
}
