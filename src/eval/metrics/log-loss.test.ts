import { describe, expect, it } from 'vitest';
import { brierScore } from './brier-score.js';
import { logLoss } from './log-loss.js';

describe('logLoss', () => {
  it('is log K for a uniform guess over K classes', () => {
    expect(
      logLoss(
        [0, 2, 1],
        [
          [0.25, 0.25, 0.25, 0.25],
          [0.25, 0.25, 0.25, 0.25],
          [0.25, 0.25, 0.25, 0.25],
        ],
      ),
    ).toBeCloseTo(Math.log(4), 15);
  });

  it('stays finite when the true class has probability 0, clipping at 2⁻⁵² like scikit-learn', () => {
    // [0, 1] clips to [ε, 1 − ε], which already sums to 1: loss = −log ε = 52·ln 2
    expect(logLoss([0], [[0, 1]])).toBeCloseTo(52 * Math.LN2, 9);
  });

  it('accepts episodes of different sizes and names a malformed row', () => {
    expect(
      logLoss(
        [0, 1],
        [
          [0.5, 0.5],
          [0.2, 0.6, 0.2],
        ],
      ),
    ).toBeCloseTo((Math.log(2) - Math.log(0.6)) / 2, 15);
    expect(() => logLoss([0], [[0.5, 0.2]])).toThrow(/probabilities row 0: probabilities sum to 0.7/);
  });
});

describe('brierScore', () => {
  it('is 0 for certain right answers, 2 for certain wrong ones, by hand in between', () => {
    expect(brierScore([1], [[0, 1, 0]])).toBe(0);
    expect(brierScore([0], [[0, 1, 0]])).toBe(2);
    expect(brierScore([0], [[0.5, 0.3, 0.2]])).toBeCloseTo(0.25 + 0.09 + 0.04, 15);
  });
});
