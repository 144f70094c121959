import { describe, expect, it } from 'vitest';
import { fitSupportClassifier } from './support-classifier.js';

describe('fitSupportClassifier', () => {
  const support = [
    [1, 0.1],
    [0.9, -0.1],
    [0.1, 1],
    [-0.1, 0.9],
  ].map((v) => Float32Array.from(v));
  const labels = [0, 0, 1, 1];

  it('separates two classes that point along x and y, with probabilities summing to 1', () => {
    const classify = fitSupportClassifier(support, labels, 2);
    const [p, q] = [classify(Float32Array.of(2, 0.5)), classify(Float32Array.of(0.3, 3))];
    expect(p[0]).toBeGreaterThan(0.8);
    expect(q[1]).toBeGreaterThan(0.8);
    for (const row of [p, q]) expect(row.reduce((s, v) => s + v, 0)).toBeCloseTo(1, 12);
  });

  it('takes the hand-computed first gradient step from zero weights', () => {
    // From W = 0, b = 0 every p = ½; with x̂ = e1 (class 0) and e2 (class 1), n = 2, step 1, λ = 0:
    // W_0 = −(1/2)(−½·e1 + ½·e2) = (e1 − e2)/4, W_1 = −W_0, b unchanged, so for x = e1 the logit
    // gap is ½ and p(0 | e1) = 1 / (1 + e^{−½}).
    const classify = fitSupportClassifier([Float32Array.of(3, 0), Float32Array.of(0, 2)], [0, 1], 2, {
      steps: 1,
      learningRate: 1,
      weightDecay: 0,
    });
    expect(classify(Float32Array.of(5, 0))[0]).toBeCloseTo(1 / (1 + Math.exp(-0.5)), 12);
  });

  it("is uniform before any step and ignores a query's length (cosine features)", () => {
    expect(
      fitSupportClassifier(support, labels, 2, { steps: 0, learningRate: 1, weightDecay: 0 })(Float32Array.of(1, 2)),
    ).toEqual([0.5, 0.5]);
    const classify = fitSupportClassifier(support, labels, 2);
    expect(classify(Float32Array.of(10, 2.5))[0]).toBeCloseTo(classify(Float32Array.of(2, 0.5))[0] as number, 12);
  });
});
