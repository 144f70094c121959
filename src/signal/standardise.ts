/**
 * Per-lead standardisation: (x − mean) / std, with the population standard deviation. A constant
 * (flat or absent) lead becomes all zeros rather than NaN. Returns a new array.
 */
export function standardise(x: Float64Array): Float64Array {
  const n = x.length;
  if (n === 0) return new Float64Array(0);
  let mean = 0;
  for (let i = 0; i < n; i++) mean += x[i]!;
  mean /= n;
  let v = 0;
  for (let i = 0; i < n; i++) v += (x[i]! - mean) ** 2;
  const sd = Math.sqrt(v / n);
  return sd > 1e-12 ? x.map((s) => (s - mean) / sd) : new Float64Array(n);
}
