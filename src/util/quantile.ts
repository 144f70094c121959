/**
 * Quantile q ∈ [0, 1] of values sorted in ascending order, with linear interpolation between order
 * statistics (numpy.quantile's default 'linear' method; Hyndman & Fan 1996, definition 7):
 * position (n − 1)·q, value s_⌊pos⌋ + (pos − ⌊pos⌋)(s_⌊pos⌋+1 − s_⌊pos⌋). NaN for an empty list.
 */
export function quantileOfSorted(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return (sorted[lo] as number) + (pos - lo) * ((sorted[hi] as number) - (sorted[lo] as number));
}

/** {@link quantileOfSorted} of `values` in any order. */
export function quantile(values: readonly number[], q: number): number {
  return quantileOfSorted(
    [...values].sort((a, b) => a - b),
    q,
  );
}
