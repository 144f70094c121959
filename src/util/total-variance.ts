/**
 * Σ_d var(x_d): the sum over dimensions of the population variance of the rows' values,
 * (1/n) Σ_i x_id² − ((1/n) Σ_i x_id)², accumulated in float64 (0 for no rows).
 */
export function totalVariance(rows: readonly Float32Array[]): number {
  const n = rows.length;
  if (n === 0) return 0;
  const dim = rows[0]?.length ?? 0;
  let total = 0;
  for (let d = 0; d < dim; d++) {
    let s = 0;
    let s2 = 0;
    for (const r of rows) {
      s += r[d] as number;
      s2 += (r[d] as number) ** 2;
    }
    total += s2 / n - (s / n) ** 2;
  }
  return total;
}
