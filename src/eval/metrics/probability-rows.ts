import { FewbeatError } from '../../errors.js';

/**
 * Checks rows of class probabilities: every row has finite entries in [0, 1] (K of them when
 * `classCount` is given) whose sum is within `tolerance` of 1; entries and sums may miss by up to
 * `tolerance`, so rounded scores (8 decimals) and float32 softmax outputs pass. Throws a FewbeatError
 * naming the first bad row otherwise, so that no NaN reaches a metric.
 */
export function assertProbabilityRows(
  rows: readonly (readonly number[])[],
  classCount?: number,
  tolerance = 1e-4,
): void {
  rows.forEach((row, i) => {
    if (classCount !== undefined && row.length !== classCount)
      throw new FewbeatError(`has ${row.length} probabilities, expected ${String(classCount)}`, {
        location: `probabilities row ${i}`,
      });
    let sum = 0;
    for (const p of row) {
      if (!Number.isFinite(p) || p < -tolerance || p > 1 + tolerance)
        throw new FewbeatError(`probability ${p} is not in [0, 1]`, { location: `probabilities row ${i}` });
      sum += p;
    }
    if (Math.abs(sum - 1) > tolerance)
      throw new FewbeatError(`probabilities sum to ${sum}, not 1`, { location: `probabilities row ${i}` });
  });
}
