/** Σ_d var(x_d) by the two-pass formula (mean first, then squared deviations): a reference for tests. */
export function twoPassTotalVariance(rows: readonly Float32Array[]): number {
  let total = 0;
  for (let d = 0; d < (rows[0]?.length ?? 0); d++) {
    const mean = rows.reduce((a, r) => a + (r[d] as number), 0) / rows.length;
    total += rows.reduce((a, r) => a + ((r[d] as number) - mean) ** 2, 0) / rows.length;
  }
  return total;
}
