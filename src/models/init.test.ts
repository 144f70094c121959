import { describe, expect, it } from 'vitest';
import { Rng } from '../util/rng.js';
import { constant, glorotUniform, heNormal } from './init.js';

describe('initialisers', () => {
  it('draws He-normal weights with standard deviation √(2 / (k·Cin))', () => {
    const w = heNormal([5, 32, 64], new Rng(1));
    const mean = w.reduce((s, x) => s + x, 0) / w.length;
    const sd = Math.sqrt(w.reduce((s, x) => s + (x - mean) ** 2, 0) / w.length);
    expect(w).toHaveLength(5 * 32 * 64);
    expect(Math.abs(mean)).toBeLessThan(0.005);
    expect(sd / Math.sqrt(2 / 160)).toBeCloseTo(1, 1);
  });

  it('draws Glorot-uniform weights inside ±√(6 / (in + out)) and filling most of the range', () => {
    const limit = Math.sqrt(6 / (128 + 64));
    const w = glorotUniform([128, 64], new Rng(2));
    expect(Math.max(...w)).toBeLessThanOrEqual(limit);
    expect(Math.min(...w)).toBeGreaterThanOrEqual(-limit);
    expect(Math.max(...w)).toBeGreaterThan(0.99 * limit);
  });

  it('repeats itself for the same seed', () => {
    expect(heNormal([3, 4], new Rng(7))).toEqual(heNormal([3, 4], new Rng(7)));
    expect(Array.from(constant(0.5)([2, 2], new Rng(0)))).toEqual([0.5, 0.5, 0.5, 0.5]);
  });
});
