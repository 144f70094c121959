import { describe, expect, it } from 'vitest';
import { Rng } from '../util/rng.js';
import { fitTemperature, scaleProbabilities } from './temperature-scaling.js';

const softmax = (z: readonly number[]): number[] => {
  const m = Math.max(...z);
  const e = z.map((v) => Math.exp(v - m));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / s);
};

/** n predictions softmax(z) over 5 classes, z ~ N(0, 2²), with labels drawn from softmax(z / trueTemperature). */
function predictionsWithTrueTemperature(
  trueTemperature: number,
  n: number,
  seed: number,
): { probabilities: number[][]; labels: number[] } {
  const rng = new Rng(seed);
  const probabilities: number[][] = [];
  const labels: number[] = [];
  for (let i = 0; i < n; i++) {
    const z = Array.from({ length: 5 }, () => rng.normal(0, 2));
    probabilities.push(softmax(z));
    labels.push(rng.weighted(softmax(z.map((v) => v / trueTemperature))));
  }
  return { probabilities, labels };
}

const nll = (ps: number[][], labels: number[]): number =>
  -ps.reduce((s, p, i) => s + Math.log(p[labels[i] as number] as number), 0) / ps.length;

describe('scaleProbabilities', () => {
  it('is the softmax of the logits divided by T (log-probabilities as logits), keeps the argmax and sums to 1', () => {
    const z = [2, 0.5, -1];
    const p = softmax(z);
    const scaled = scaleProbabilities(p, 2);
    softmax(z.map((v) => v / 2)).forEach((q, c) => expect(scaled[c]).toBeCloseTo(q, 12));
    expect(scaled.indexOf(Math.max(...scaled))).toBe(0);
    expect(scaled.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    expect(scaleProbabilities(p, 1)).toEqual(p);
  });

  it('keeps an exact zero probability finite and below every other class', () => {
    const scaled = scaleProbabilities([0.7, 0.3, 0], 0.5);
    expect(scaled.every(Number.isFinite)).toBe(true);
    expect(scaled[2]).toBeLessThan(scaled[1] as number);
  });
});

describe('fitTemperature', () => {
  it('recovers the temperature of predictions that are under- or over-confident by a known factor', () => {
    // Labels drawn from softmax(z/T0) while the predictions say softmax(z): the maximum-likelihood T is T0.
    for (const t0 of [0.5, 2]) {
      const { probabilities, labels } = predictionsWithTrueTemperature(t0, 20_000, 3);
      expect(fitTemperature(probabilities, labels)).toBeCloseTo(t0, 1);
    }
  });

  it('gives T ≈ 1 for calibrated predictions and never a higher NLL than T = 1', () => {
    const { probabilities, labels } = predictionsWithTrueTemperature(1, 20_000, 4);
    const t = fitTemperature(probabilities, labels);
    expect(Math.abs(t - 1)).toBeLessThan(0.05);
    expect(
      nll(
        probabilities.map((p) => scaleProbabilities(p, t)),
        labels,
      ),
    ).toBeLessThanOrEqual(nll(probabilities, labels) + 1e-12);
  });

  it('rejects predictions without a label for each', () => {
    expect(() => fitTemperature([[0.5, 0.5]], [])).toThrow(/one label per prediction/);
  });
});
