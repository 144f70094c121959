/**
 * A cascade of second-order sections, one row per section: [b0, b1, b2, a0, a1, a2] (a0 = 1),
 * the same layout as scipy's `sos` arrays. H(z) = Π_s (b0 + b1 z⁻¹ + b2 z⁻²)/(1 + a1 z⁻¹ + a2 z⁻²).
 */
export type Sos = Float64Array[];

/** A transfer function H(z) = (b0 + b1 z⁻¹ + …)/(a0 + a1 z⁻¹ + …). */
export interface TransferFunction {
  b: Float64Array;
  a: Float64Array;
}
