import { describe, expect, it } from 'vitest';
import { rocCurve } from './roc-curve.js';

describe('rocCurve', () => {
  // The example of scikit-learn's roc_curve documentation: y = [1, 1, 2, 2], pos_label = 2.
  const isPositive = [false, false, true, true];
  const scores = [0.1, 0.4, 0.35, 0.8];

  it('reproduces the scikit-learn documentation example', () => {
    expect(rocCurve(isPositive, scores)).toEqual({
      fpr: [0, 0, 0.5, 0.5, 1],
      tpr: [0, 0.5, 0.5, 1, 1],
      thresholds: [Number.POSITIVE_INFINITY, 0.8, 0.4, 0.35, 0.1],
    });
  });

  it('keeps only the corners when dropping intermediate points, and every point otherwise', () => {
    const pos = [true, true, true, false, false, false];
    const s = [0.9, 0.8, 0.7, 0.3, 0.2, 0.1];
    expect(rocCurve(pos, s)).toMatchObject({ fpr: [0, 0, 1], tpr: [0, 1, 1] });
    expect(rocCurve(pos, s, { dropIntermediate: false })?.fpr).toHaveLength(7);
  });

  it('moves diagonally across tied scores', () => {
    expect(rocCurve([true, false], [0.5, 0.5])).toMatchObject({ fpr: [0, 1], tpr: [0, 1] });
  });

  it('is null when one of the two groups is empty', () => {
    expect(rocCurve([true, true], [0.2, 0.3])).toBeNull();
  });
});
