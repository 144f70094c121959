import { describe, expect, it } from 'vitest';
import { accuracy, balancedAccuracy } from './balanced-accuracy.js';
import { confusionMatrix } from './confusion-matrix.js';
import { precisionRecallF1 } from './precision-recall-f1.js';
import { sensitivitySpecificity } from './sensitivity-specificity.js';

describe('confusion-matrix based rates', () => {
  it('are all 1 for perfect predictions', () => {
    const y = [0, 1, 2, 2, 1, 0, 0];
    const cm = confusionMatrix(y, y, 3);
    expect(accuracy(cm)).toBe(1);
    expect(balancedAccuracy(cm)).toBe(1);
    const prf = precisionRecallF1(cm);
    expect(prf.f1Macro).toBe(1);
    expect(sensitivitySpecificity(cm).every((s) => s.sensitivity === 1 && s.specificity === 1)).toBe(true);
  });

  it('computes sensitivity, specificity and support by hand', () => {
    // truth 0 0 0 1 1 2 ; pred 0 0 1 1 2 2
    const cm = confusionMatrix([0, 0, 0, 1, 1, 2], [0, 0, 1, 1, 2, 2], 3);
    expect(cm).toEqual([
      [2, 1, 0],
      [0, 1, 1],
      [0, 0, 1],
    ]);
    const s = sensitivitySpecificity(cm);
    expect(s[0]).toEqual({ sensitivity: 2 / 3, specificity: 1, support: 3 });
    expect(s[1]).toEqual({ sensitivity: 1 / 2, specificity: 3 / 4, support: 2 });
    expect(s[2]).toEqual({ sensitivity: 1, specificity: 4 / 5, support: 1 });
    expect(balancedAccuracy(cm)).toBeCloseTo((2 / 3 + 1 / 2 + 1) / 3, 15);
  });

  it(
    'gives F1 = 0 to a class never predicted (zero_division = 0) and ' + 'leaves absent classes out of the macro mean',
    () => {
      // class 1 occurs but is never predicted; class 3 occurs nowhere
      const cm = confusionMatrix([0, 0, 1, 2], [0, 0, 0, 2], 4);
      const prf = precisionRecallF1(cm);
      expect(prf.precision[1]).toBe(0);
      expect(prf.f1[1]).toBe(0);
      expect(prf.averaged).toEqual([true, true, true, false]);
      expect(prf.f1Macro).toBeCloseTo((0.8 + 0 + 1) / 3, 15);
      expect(sensitivitySpecificity(cm)[3]).toEqual({ sensitivity: null, specificity: 1, support: 0 });
    },
  );

  it('rejects a class index outside the class list, naming the sample', () => {
    expect(() => confusionMatrix([0, 3], [0, 1], 3)).toThrow(/yTrue\[1\]/);
    expect(() => confusionMatrix([0], [0, 1], 3)).toThrow(/1 samples but yPred has 2/);
  });
});
