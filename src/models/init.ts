import { Rng } from '../util/rng.js';

/** Fills a parameter of `shape` with initial values, drawing from `rng`. */
export type Initializer = (shape: readonly number[], rng: Rng) => Float32Array;

const sizeOf = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

/** All entries equal to `value` (BatchNorm γ = 1, biases and β = 0). */
export function constant(value: number): Initializer {
  return (shape) => new Float32Array(sizeOf(shape)).fill(value);
}

/**
 * He (Kaiming) normal for ReLU networks (He et al. 2015): N(0, 2 / fan_in), with
 * fan_in = k·Cin for a conv weight [k, Cin, Cout] and `in` for a dense weight [in, out].
 */
export const heNormal: Initializer = (shape, rng) => {
  const fanIn = sizeOf(shape.slice(0, -1));
  const sd = Math.sqrt(2 / fanIn);
  const out = new Float32Array(sizeOf(shape));
  for (let i = 0; i < out.length; i++) out[i] = rng.normal(0, sd);
  return out;
};

/** Glorot (Xavier) uniform (Glorot & Bengio 2010): U(−a, a), a = √(6 / (fan_in + fan_out)), for [in, out]. */
export const glorotUniform: Initializer = (shape, rng) => {
  const fanOut = shape[shape.length - 1] as number;
  const fanIn = sizeOf(shape.slice(0, -1));
  const limit = Math.sqrt(6 / (fanIn + fanOut));
  const out = new Float32Array(sizeOf(shape));
  for (let i = 0; i < out.length; i++) out[i] = rng.uniform(-limit, limit);
  return out;
};
