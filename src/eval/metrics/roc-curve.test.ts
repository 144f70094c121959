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

  it('thins a long curve for plotting without moving it by more than the step', () => {
    const n = 4000;
    const pos = Array.from({ length: n }, (_, i) => i % 3 !== 0);
    const s = Array.from({ length: n }, (_, i) => Math.sin(i * 12.9898) * 0.5 + (pos[i] ? 0.3 : 0));
    const full = rocCurve(pos, s) as NonNullable<ReturnType<typeof rocCurve>>;
    const thin = rocCurve(pos, s, { minStep: 0.01 }) as NonNullable<ReturnType<typeof rocCurve>>;
    expect(thin.fpr.length).toBeLessThan(210);
    expect(full.fpr.length).toBeGreaterThan(500);
    expect([thin.fpr[0], thin.tpr[0], thin.fpr.at(-1), thin.tpr.at(-1)]).toEqual([0, 0, 1, 1]);
    // every exact point is within one step, in both rates, of the last kept point before it
    full.fpr.forEach((f, i) => {
      const t = full.tpr[i] as number;
      let j = 0;
      while (j + 1 < thin.fpr.length && (thin.fpr[j + 1] as number) <= f && (thin.tpr[j + 1] as number) <= t) j++;
      expect(f - (thin.fpr[j] as number)).toBeLessThan(0.01 + 1e-12);
      expect(t - (thin.tpr[j] as number)).toBeLessThan(0.01 + 1e-12);
    });
  });

  it('moves diagonally across tied scores', () => {
    expect(rocCurve([true, false], [0.5, 0.5])).toMatchObject({ fpr: [0, 1], tpr: [0, 1] });
  });

  it('is null when one of the two groups is empty', () => {
    expect(rocCurve([true, true], [0.2, 0.3])).toBeNull();
  });
});
