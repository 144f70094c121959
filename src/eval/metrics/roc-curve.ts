import { assertSameLength } from './confusion-matrix.js';
import { tieGroups } from './tie-groups.js';

/** Points of a receiver operating characteristic curve, from (0, 0) to (1, 1). */
export interface RocCurve {
  /** false-positive rate 1 − specificity at each threshold, non-decreasing */
  fpr: number[];
  /** true-positive rate (sensitivity) at each threshold, non-decreasing */
  tpr: number[];
  /** score thresholds, decreasing; the first is +Infinity (nothing predicted positive) */
  thresholds: number[];
}

/** Options of {@link rocCurve}. */
export interface RocCurveOptions {
  /**
   * Drop thresholds that lie on a straight segment between their neighbours; the curve and its
   * area are unchanged (scikit-learn's `drop_intermediate`).
   * @default true
   */
  dropIntermediate?: boolean;
  /**
   * For plotting: also drop points closer than this to the last kept point in both fpr and tpr
   * (the ends are always kept), so a curve over thousands of queries stays a few hundred points.
   * The plotted curve then deviates from the exact one by less than `minStep`.
   * @default 0 (keep every point)
   */
  minStep?: number;
}

/**
 * ROC curve of a binary problem, as scikit-learn's `roc_curve` (≥ 1.3: first threshold +∞).
 *
 * Scores are sorted in decreasing order; one point per *distinct* score, so tied scores move the
 * curve diagonally (a tie between a positive and a negative counts one half in the area).
 * At threshold t: tpr(t) = #{positives with s ≥ t} / P and fpr(t) = #{negatives with s ≥ t} / N.
 *
 * @param isPositive N booleans, true for the positive class
 * @param scores N scores, higher = more positive
 * @returns the curve, or `null` when the positives or the negatives are empty (rates undefined)
 */
export function rocCurve(
  isPositive: readonly boolean[],
  scores: readonly number[],
  options: RocCurveOptions = {},
): RocCurve | null {
  assertSameLength('isPositive', isPositive.length, 'scores', scores.length);
  // Cumulative true/false positives after each group of equal scores, in decreasing score order.
  const tps: number[] = [0];
  const fps: number[] = [0];
  const thresholds: number[] = [Number.POSITIVE_INFINITY];
  let tp = 0;
  let fp = 0;
  for (const group of tieGroups(scores)) {
    for (const i of group) {
      if (isPositive[i]) tp++;
      else fp++;
    }
    tps.push(tp);
    fps.push(fp);
    thresholds.push(scores[group[0] as number] as number);
  }
  if (tp === 0 || fp === 0) return null;
  const corners = (options.dropIntermediate ?? true) ? cornerIndices(fps, tps) : fps.map((_, i) => i);
  const keep = thinned(corners, fps, tps, fp, tp, options.minStep ?? 0);
  return {
    fpr: keep.map((i) => (fps[i] as number) / fp),
    tpr: keep.map((i) => (tps[i] as number) / tp),
    thresholds: keep.map((i) => thresholds[i] as number),
  };
}

/** Indices where the curve turns (second differences of fps or tps non-zero), plus both ends. */
function cornerIndices(fps: readonly number[], tps: readonly number[]): number[] {
  const keep = [0];
  for (let i = 1; i < fps.length - 1; i++) {
    const bendF = (fps[i + 1] as number) - 2 * (fps[i] as number) + (fps[i - 1] as number);
    const bendT = (tps[i + 1] as number) - 2 * (tps[i] as number) + (tps[i - 1] as number);
    if (bendF !== 0 || bendT !== 0) keep.push(i);
  }
  keep.push(fps.length - 1);
  return keep;
}

/** The indices whose (fpr, tpr) is at least `minStep` from the last kept point in fpr or tpr; ends kept. */
function thinned(
  indices: readonly number[],
  fps: readonly number[],
  tps: readonly number[],
  fp: number,
  tp: number,
  minStep: number,
): number[] {
  if (minStep <= 0) return [...indices];
  const keep = [indices[0] as number];
  for (let j = 1; j < indices.length - 1; j++) {
    const i = indices[j] as number;
    const last = keep[keep.length - 1] as number;
    if (
      ((fps[i] as number) - (fps[last] as number)) / fp >= minStep ||
      ((tps[i] as number) - (tps[last] as number)) / tp >= minStep
    )
      keep.push(i);
  }
  keep.push(indices[indices.length - 1] as number);
  return keep;
}
