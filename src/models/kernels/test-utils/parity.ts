/**
 * Test helpers for kernel parity: seeded random arrays, a relative error, and central-difference
 * numerical gradients computed in float64, and a no-leak assertion. Not part of the build.
 */
import * as tf from '@tensorflow/tfjs';
import { expect } from 'vitest';
import { Rng } from '../../../util/rng.js';

/** `n` standard-normal numbers from `seed`, as float64. */
export function randomArray(n: number, seed: number): Float64Array {
  const rng = new Rng(seed);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = rng.normal();
  return out;
}

/** max|a − b| / max|b|: the error of `a` relative to the scale of the reference `b`. */
export function relativeError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`relativeError: lengths ${a.length} and ${b.length} differ`);
  let num = 0;
  let den = 0;
  for (let i = 0; i < a.length; i++) {
    num = Math.max(num, Math.abs(a[i]! - b[i]!));
    den = Math.max(den, Math.abs(b[i]!));
  }
  return num / Math.max(den, 1e-30);
}

/**
 * ∂f/∂p by central differences, (f(p + h·e_i) − f(p − h·e_i)) / 2h for every i, in float64.
 * `f` reads `p` (mutated in place and restored).
 */
export function numericalGradient(f: () => number, p: Float64Array, h = 1e-4): Float64Array {
  const g = new Float64Array(p.length);
  for (let i = 0; i < p.length; i++) {
    const keep = p[i]!;
    p[i] = keep + h;
    const up = f();
    p[i] = keep - h;
    const down = f();
    p[i] = keep;
    g[i] = (up - down) / (2 * h);
  }
  return g;
}

/**
 * Assert that `step` leaks no tensors: one warm-up call, then three more must leave
 * `tf.memory().numTensors` where it was (as tfjs's own `expectNoLeakedTensors`).
 */
export function expectNoLeakedTensors(step: () => void): void {
  step();
  const before = tf.memory().numTensors;
  for (let i = 0; i < 3; i++) step();
  expect(tf.memory().numTensors).toBe(before);
}
