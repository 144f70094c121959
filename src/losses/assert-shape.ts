import type * as tf from '@tensorflow/tfjs';
import { FewbeatError } from '../errors.js';

/**
 * Check that `tensor` has rank `expected.length` and, where `expected[i]` is a number, that size
 * on axis i (`null` accepts any size). Throws a one-line FewbeatError naming the function and
 * the argument, e.g. `contrastiveLoss: v has shape [4,32], expected [5,32]`.
 */
export function assertShape(
  where: string,
  name: string,
  tensor: tf.Tensor,
  expected: readonly (number | null)[],
): void {
  const ok =
    tensor.rank === expected.length && expected.every((size, axis) => size === null || tensor.shape[axis] === size);
  if (!ok) {
    const want = expected.map((s) => (s === null ? '?' : String(s))).join(',');
    throw new FewbeatError(`${where}: ${name} has shape [${tensor.shape.join(',')}], expected [${want}]`);
  }
}

/** Check that a per-row array (labels, patient ids, …) has one entry per row. */
export function assertLength(where: string, name: string, values: ArrayLike<number>, n: number): void {
  if (values.length !== n) {
    throw new FewbeatError(`${where}: ${name} has ${values.length} entries, expected ${n} (one per row)`);
  }
}
