import { oneVsRestCounts } from './one-vs-rest-counts.js';

/** The clinician's view of one class against the rest. */
export interface SensitivitySpecificity {
  /** tp / (tp + fn): the share of children with this rhythm that are recognised; null when support is 0 */
  sensitivity: number | null;
  /** tn / (tn + fp): the share of children without it that are not labelled with it; null when no negatives */
  specificity: number | null;
  /** tp + fn: how many samples truly have this class */
  support: number;
}

/**
 * Sensitivity, specificity and support of every class, one-vs-rest, from a confusion matrix
 * (rows = truth). A ratio with an empty denominator is `null` (undefined), not 0: a class that
 * never occurs has no sensitivity to report.
 */
export function sensitivitySpecificity(confusion: readonly (readonly number[])[]): SensitivitySpecificity[] {
  return oneVsRestCounts(confusion).map((c) => ({
    sensitivity: c.tp + c.fn === 0 ? null : c.tp / (c.tp + c.fn),
    specificity: c.tn + c.fp === 0 ? null : c.tn / (c.tn + c.fp),
    support: c.tp + c.fn,
  }));
}
