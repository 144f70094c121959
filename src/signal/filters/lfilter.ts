import type { TransferFunction } from './sos.js';

/**
 * Direct-form II transposed IIR filter, as `scipy.signal.lfilter(b, a, x, zi)`:
 * y[n] = (b0·x[n] + z0[n−1]) / a0, z_k[n] = b_{k+1}·x[n] − a_{k+1}·y[n] + z_{k+1}[n−1].
 * `zi` (length max(len a, len b) − 1) is the initial state; it is not modified.
 */
export function lfilter(tf: TransferFunction, x: Float64Array, zi?: Float64Array): Float64Array {
  const { b, a, n } = normalisedCoefficients(tf);
  const z = new Float64Array(n);
  if (zi) z.set(zi.subarray(0, n - 1));
  const y = new Float64Array(x.length);
  for (let t = 0; t < x.length; t++) {
    const xt = x[t]!;
    const yt = b[0]! * xt + z[0]!;
    for (let k = 0; k < n - 1; k++) z[k] = b[k + 1]! * xt - a[k + 1]! * yt + z[k + 1]!;
    y[t] = yt;
  }
  return y;
}

/**
 * Steady-state initial condition for `lfilter` with a unit step input, as `scipy.signal.lfilter_zi`:
 * the zi solving (I − A)·zi = B, where A is the transposed companion matrix of a and
 * B = b[1:] − a[1:]·b0. Solved by Gaussian elimination with partial pivoting (as LAPACK's gesv that
 * scipy calls), which keeps ill-conditioned high-order designs close to scipy's result.
 */
export function lfilterZi(tf: TransferFunction): Float64Array {
  const { b, a, n } = normalisedCoefficients(tf);
  const m = n - 1;
  // I − companion(a)ᵀ: companion has first row −a[1:], ones on the sub-diagonal.
  const mat = Array.from({ length: m }, (_, i) => {
    const row = new Float64Array(m + 1);
    row[i] = 1;
    row[0]! += a[i + 1]!;
    if (i + 1 < m) row[i + 1]! -= 1;
    row[m] = b[i + 1]! - a[i + 1]! * b[0]!;
    return row;
  });
  for (let col = 0; col < m; col++) {
    let pivot = col;
    for (let r = col + 1; r < m; r++) if (Math.abs(mat[r]![col]!) > Math.abs(mat[pivot]![col]!)) pivot = r;
    [mat[col], mat[pivot]] = [mat[pivot]!, mat[col]!];
    const p = mat[col]!;
    for (let r = col + 1; r < m; r++) {
      const row = mat[r]!;
      const f = row[col]! / p[col]!;
      if (f === 0) continue;
      for (let c = col; c <= m; c++) row[c]! -= f * p[c]!;
    }
  }
  const zi = new Float64Array(m);
  for (let r = m - 1; r >= 0; r--) {
    const row = mat[r]!;
    let s = row[m]!;
    for (let c = r + 1; c < m; c++) s -= row[c]! * zi[c]!;
    zi[r] = s / row[r]!;
  }
  return zi;
}

/** b and a divided by a0 and zero-padded to the same length n = max(len a, len b). */
function normalisedCoefficients(tf: TransferFunction): { b: Float64Array; a: Float64Array; n: number } {
  const n = Math.max(tf.a.length, tf.b.length);
  const a0 = tf.a[0]!;
  const b = new Float64Array(n);
  const a = new Float64Array(n);
  for (let i = 0; i < tf.b.length; i++) b[i] = tf.b[i]! / a0;
  for (let i = 0; i < tf.a.length; i++) a[i] = tf.a[i]! / a0;
  return { b, a, n };
}
