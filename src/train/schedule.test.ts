import { describe, expect, it } from 'vitest';
import { learningRateAt } from './schedule.js';

const base = { learningRate: 1e-3, minLearningRate: 1e-5, stepEvery: 100, stepFactor: 0.5 };

describe('learningRateAt', () => {
  it('follows a half cosine from the initial to the minimal rate', () => {
    const c = { ...base, schedule: 'cosine' as const };
    expect(learningRateAt(0, 1000, c)).toBeCloseTo(1e-3, 12);
    expect(learningRateAt(500, 1000, c)).toBeCloseTo((1e-3 + 1e-5) / 2, 12);
    expect(learningRateAt(1000, 1000, c)).toBeCloseTo(1e-5, 12);
  });

  it('halves every stepEvery episodes with the step schedule', () => {
    const c = { ...base, schedule: 'step' as const };
    expect(learningRateAt(99, 1000, c)).toBe(1e-3);
    expect(learningRateAt(100, 1000, c)).toBe(5e-4);
    expect(learningRateAt(350, 1000, c)).toBe(1.25e-4);
  });

  it('stays put with the constant schedule', () => {
    expect(learningRateAt(777, 1000, { ...base, schedule: 'constant' })).toBe(1e-3);
  });
});
