import { describe, expect, it } from 'vitest';
import type { Example } from '../data/dataset.js';
import { feasibleShape, validationShape } from './model-selection.js';

/** A pool with `patients[c]` children (one recording each) of class c. */
function pool(patients: Record<string, number>): Example[] {
  return Object.entries(patients).flatMap(([label, n]) =>
    Array.from({ length: n }, (_, i) => ({ label, patientId: `${label}-${i}` }) as unknown as Example),
  );
}

describe('validationShape', () => {
  const small = pool({ nsr: 20, rsa: 10, sinus_tachy: 10, svt: 7, pvc: 6, afib: 5 });

  it('lowers Q while that lets more classes take part, where feasibleShape stops at the first two', () => {
    expect(feasibleShape(small, { ways: 5, shots: 5, queries: 5 })?.classes).toEqual(['nsr', 'rsa', 'sinus_tachy']);
    expect(validationShape(small, { ways: 5, shots: 5, queries: 5 })).toEqual({
      shape: { ways: 5, shots: 5, queries: 1 },
      classes: ['nsr', 'pvc', 'rsa', 'sinus_tachy', 'svt'],
    });
  });

  it('keeps the largest Q among shapes with the same number of classes', () => {
    expect(validationShape(pool({ a: 12, b: 12, c: 12 }), { ways: 3, shots: 5, queries: 5 })?.shape).toEqual({
      ways: 3,
      shots: 5,
      queries: 5,
    });
  });

  it('is null when no two classes have two children', () => {
    expect(validationShape(pool({ a: 1, b: 1 }), { ways: 2, shots: 1, queries: 1 })).toBeNull();
  });
});
