/**
 * A matrix's rows in 8 bits, for scans that read a quarter of the bytes, with what bounds the error
 * of any dot product taken on them.
 *
 * Row i of the row-major [N, D] float32 matrix x is stored as symmetric per-row codes
 * (linear quantisation as in Jacob et al. 2018, "Quantization and training of neural networks for
 * efficient integer-arithmetic-only inference", with a zero point of 128 so that the codes are the
 * unsigned operand of an 8-bit matrix product):
 *
 *     x_i ≈ s_i (u_i − 128),   u_i ∈ {1 … 255}^D,   s_i = max_d |x_id| / 127
 *     r_i = x_i − s_i (u_i − 128)   (|r_id| ≤ s_i / 2)
 *
 * and for every vector w, by Cauchy–Schwarz,
 *
 *     |x_i·w − s_i (u_i − 128)·w| = |r_i·w| ≤ ‖r_i‖ ‖w‖.
 *
 * ‖x_i‖ and ‖r_i‖ are kept with the codes. Plain TypeScript over typed arrays.
 */
export interface QuantizedRows {
  /** [N, D] codes u_i, zero point 128. */
  codes: Uint8Array;
  /** [N] scales s_i (0 for a zero row). */
  scale: Float32Array;
  /** [N] ‖x_i‖. */
  norm: Float32Array;
  /** [N] ‖r_i‖, the rounding residual's norm. */
  residual: Float32Array;
}

/** The zero point of the codes: u − 128 is the signed code. */
export const CODE_ZERO_POINT = 128;

/** Quantise the rows of the row-major [N, D] matrix `x` (N = ⌊x.length / D⌋); see {@link QuantizedRows}. */
export function quantizeRows(x: Float32Array, D: number): QuantizedRows {
  const N = D > 0 ? Math.floor(x.length / D) : 0;
  const codes = new Uint8Array(N * D);
  const scale = new Float32Array(N);
  const norm = new Float32Array(N);
  const residual = new Float32Array(N);
  const rows: QuantizedRows = { codes, scale, norm, residual };
  for (let i = 0; i < N; i++) quantizeRow(x, D, i, rows);
  return rows;
}

/** Row i of x into `rows` (a function of its own: V8 optimises the short loop far better than one over the matrix). */
function quantizeRow(x: Float32Array, D: number, i: number, rows: QuantizedRows): void {
  const { codes } = rows;
  const at = i * D;
  let max = 0;
  let sum2 = 0;
  for (let d = 0; d < D; d++) {
    const v = x[at + d] as number;
    const a = Math.abs(v);
    if (a > max) max = a;
    sum2 += v * v;
  }
  // The scale is kept in float32; codes and residual are computed against the stored value.
  const s = Math.fround(max / 127);
  rows.scale[i] = s;
  rows.norm[i] = Math.sqrt(sum2);
  if (s === 0) {
    codes.fill(CODE_ZERO_POINT, at, at + D);
    return;
  }
  // |v| ≤ max makes |v / s| ≤ 127 (1 + 2^-23): the codes need no clamp, and the shifted value is positive, so
  // truncation rounds it (half up, as Math.round).
  const inverse = 1 / s;
  let r2 = 0;
  for (let d = 0; d < D; d++) {
    const v = x[at + d] as number;
    const code = (v * inverse + (CODE_ZERO_POINT + 0.5)) | 0;
    codes[at + d] = code;
    const r = v - s * (code - CODE_ZERO_POINT);
    r2 += r * r;
  }
  rows.residual[i] = Math.sqrt(r2);
}
