import { describe, expect, it } from 'vitest';
import { logSumExp, softmax } from './softmax.js';

describe('softmax and log-sum-exp', () => {
  it('match the textbook formulas on small logits (hand-computed)', () => {
    const p = softmax([0, Math.log(3)]);
    expect(p[0]).toBeCloseTo(0.25, 15);
    expect(p[1]).toBeCloseTo(0.75, 15);
    expect(logSumExp([Math.log(2), Math.log(3)])).toBeCloseTo(Math.log(5), 15);
  });

  it('stay finite where the naive formulas overflow, and are shift-invariant', () => {
    const p = softmax([1000, 1000 + Math.log(3)]);
    expect(p[1]).toBeCloseTo(0.75, 12);
    expect(logSumExp([1000, 1000])).toBeCloseTo(1000 + Math.log(2), 10);
    const shifted = softmax([-1, 2, 0.5].map((x) => x - 7));
    softmax([-1, 2, 0.5]).forEach((v, i) => expect(v).toBeCloseTo(shifted[i] as number, 15));
  });

  it('gives −∞ for no values and for all −∞', () => {
    expect(logSumExp([])).toBe(-Infinity);
    expect(logSumExp([-Infinity, -Infinity])).toBe(-Infinity);
  });
});
