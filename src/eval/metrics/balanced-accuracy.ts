import { oneVsRestCounts } from './one-vs-rest-counts.js';

/**
 * Balanced accuracy: the mean recall (sensitivity) over the classes present in the truth,
 *
 *     BA = (1 / |K⁺|) Σ_{k ∈ K⁺} tp_k / (tp_k + fn_k),   K⁺ = { k : support_k > 0 },
 *
 * as scikit-learn's `balanced_accuracy_score` (which drops classes that only occur among the
 * predictions). Unlike plain accuracy it is not inflated by frequent classes. NaN for no samples.
 *
 * @param confusion K×K confusion matrix, rows = truth
 */
export function balancedAccuracy(confusion: readonly (readonly number[])[]): number {
  let sum = 0;
  let present = 0;
  for (const c of oneVsRestCounts(confusion)) {
    const support = c.tp + c.fn;
    if (support > 0) {
      sum += c.tp / support;
      present++;
    }
  }
  return present === 0 ? Number.NaN : sum / present;
}

/** Plain accuracy: trace(C) / N; NaN for no samples. */
export function accuracy(confusion: readonly (readonly number[])[]): number {
  let correct = 0;
  let total = 0;
  confusion.forEach((row, i) =>
    row.forEach((c, j) => {
      total += c;
      if (i === j) correct += c;
    }),
  );
  return total === 0 ? Number.NaN : correct / total;
}
