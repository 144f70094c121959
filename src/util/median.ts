/**
 * The median of a list of numbers: the middle value of the sorted list, or the mean of the two
 * middle values for an even count (numpy.median's convention). NaN for an empty list; the input is
 * not modified.
 */
export function median(values: ArrayLike<number>): number {
  const n = values.length;
  if (n === 0) return Number.NaN;
  const s = Float64Array.from(values).sort();
  const m = n >> 1;
  return n % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
}
