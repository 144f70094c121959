/**
 * log Σ_i exp(x_i), computed stably as m + log Σ_i exp(x_i − m) with m = max_i x_i (−∞ for an
 * empty list or when every x_i is −∞).
 */
export function logSumExp(values: readonly number[]): number {
  const m = Math.max(...values);
  if (!Number.isFinite(m)) return m;
  return m + Math.log(values.reduce((s, v) => s + Math.exp(v - m), 0));
}

/** softmax_i(x) = exp(x_i − m) / Σ_j exp(x_j − m), m = max_j x_j (the shift changes nothing but overflow). */
export function softmax(logits: readonly number[]): number[] {
  const m = Math.max(...logits);
  const e = logits.map((v) => Math.exp(v - m));
  const z = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / z);
}
