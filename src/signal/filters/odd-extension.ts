/**
 * Odd (point-symmetric) extension by `n` samples at both ends, as scipy's `odd_ext`:
 * left[i] = 2·x[0] − x[n − i], right[i] = 2·x[N−1] − x[N−2−i]. Used to pad zero-phase filters so
 * that the edges start in a steady state. Requires n < x.length.
 */
export function oddExtension(x: Float64Array, n: number): Float64Array {
  const len = x.length;
  const out = new Float64Array(len + 2 * n);
  const first = x[0]!;
  const last = x[len - 1]!;
  for (let i = 0; i < n; i++) out[i] = 2 * first - x[n - i]!;
  out.set(x, n);
  for (let i = 0; i < n; i++) out[n + len + i] = 2 * last - x[len - 2 - i]!;
  return out;
}
