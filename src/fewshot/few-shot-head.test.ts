import { describe, expect, it } from 'vitest';
import { atNearestShots, FewShotHead, fewShotHeadConfigSchema, NEAREST_PROTOTYPE } from './few-shot-head.js';
import { fitSupportClassifier } from './support-classifier.js';

const v = (...x: number[]): Float32Array => Float32Array.from(x);

/** Two classes on a line: class 0 at x ∈ {0, 2}, class 1 at x ∈ {10, 12} (means 1 and 11). */
const support = { vectors: [v(0, 0), v(2, 0), v(10, 0), v(12, 0)], labels: [0, 0, 1, 1], nClasses: 2 };

describe('FewShotHead', () => {
  it('gives the nearest-prototype softmax, the distances and the nearest support examples (hand-computed)', () => {
    const head = new FewShotHead(NEAREST_PROTOTYPE).fit(support);
    const [p] = head.predict({ vectors: [v(3, 0)] }, { nearest: 2 });
    // squared distances to the means 1 and 11: 4 and 64; p(0) = 1/(1 + e^{−60})
    expect(p?.distances).toEqual([4, 64]);
    expect(p?.probabilities[0]).toBeCloseTo(1 / (1 + Math.exp(-60)), 15);
    expect(p?.predicted).toBe(0);
    expect(p?.nearest).toEqual([
      { index: 1, distance: 1 },
      { index: 0, distance: 9 },
    ]);
    expect(p?.abstained).toBe(false);
    expect(p?.contextUsed).toBe(false);
  });

  it('takes the support softmax when configured, fitted on the same support set', () => {
    const head = new FewShotHead({ ...NEAREST_PROTOTYPE, classifier: 'support-softmax' }).fit(support);
    const classify = fitSupportClassifier(support.vectors, support.labels, 2);
    expect(head.predict({ vectors: [v(3, 1)] })[0]?.probabilities).toEqual(classify(v(3, 1)));
  });

  it('reads the temperature and abstention threshold calibrated at the shot count nearest its smallest class', () => {
    const head = new FewShotHead({
      ...NEAREST_PROTOTYPE,
      probabilityTemperatures: { 1: 4, 5: 8 },
      abstention: { quantile: 0.9, thresholds: { 1: 10, 5: 50 } },
    }).fit(support);
    // 2 shots per class: nearer 1 than 5
    expect(head.temperature).toBe(4);
    expect(head.abstention).toEqual({ threshold: 10, quantile: 0.9, shots: 1 });
    const [near, far] = head.predict({ vectors: [v(3, 0), v(6, 5)] });
    // at T = 4 the logits −4, −64 become −1, −16
    expect(near?.probabilities[0]).toBeCloseTo(1 / (1 + Math.exp(-15)), 12);
    expect(near?.abstained).toBe(false); // distance 4 ≤ 10
    expect(far?.abstained).toBe(true); // distances 50 and 50
  });

  it('picks the smaller shot count on a tie, and nothing from an empty record', () => {
    expect(atNearestShots({ 1: 1, 5: 5 }, 3)).toEqual({ value: 1, shots: 1 });
    expect(atNearestShots({ 5: 5, 1: 1 }, 4)).toEqual({ value: 5, shots: 5 });
    expect(atNearestShots({}, 4)).toBeNull();
  });

  it('refuses to predict before it is fitted, and a query of another size', () => {
    expect(() => new FewShotHead(NEAREST_PROTOTYPE).predict({ vectors: [v(1, 0)] })).toThrow('before fit');
    const head = new FewShotHead(NEAREST_PROTOTYPE).fit(support);
    expect(() => head.predict({ vectors: [v(1, 0, 0)] })).toThrow(
      'a query vector has 3 values but the support vectors 2',
    );
  });

  it('checks its configuration with a schema that names the bad field', () => {
    const bad = fewShotHeadConfigSchema.safeParse({ ...NEAREST_PROTOTYPE, probabilityTemperatures: { x: 1 } });
    expect(bad.success).toBe(false);
    expect(bad.error?.issues[0]?.path).toEqual(['probabilityTemperatures', 'x']);
    expect(fewShotHeadConfigSchema.parse(NEAREST_PROTOTYPE)).toEqual(NEAREST_PROTOTYPE);
  });
});
