import { describe, expect, it } from 'vitest';
import { Rng } from '../../util/rng.js';
import { aurocOfTieGroups, binaryAuroc, oneVsRestAuroc } from './auroc.js';
import { tieGroups } from './tie-groups.js';

describe('binaryAuroc', () => {
  it('is 1 when every positive outscores every negative and 0 when reversed', () => {
    expect(binaryAuroc([true, true, false, false], [0.9, 0.8, 0.3, 0.1]).value).toBe(1);
    expect(binaryAuroc([false, false, true, true], [0.9, 0.8, 0.3, 0.1]).value).toBe(0);
  });

  it('counts a tie between a positive and a negative as one half (Mann–Whitney by hand)', () => {
    // pairs (pos, neg): (0.8,0.8)=½, (0.8,0.2)=1, (0.5,0.8)=0, (0.5,0.2)=1 → 2.5 / 4
    expect(binaryAuroc([true, true, false, false], [0.8, 0.5, 0.8, 0.2]).value).toBeCloseTo(0.625, 15);
  });

  it('is one half when every score is the same', () => {
    expect(binaryAuroc([true, false, true, false, false], [0.3, 0.3, 0.3, 0.3, 0.3]).value).toBeCloseTo(0.5, 15);
  });

  it('is null with a reason, never NaN, when a class has no positive or no negative sample', () => {
    expect(binaryAuroc([false, false], [0.1, 0.2])).toEqual({ value: null, reason: 'no positive samples' });
    expect(binaryAuroc([true, true], [0.1, 0.2])).toEqual({ value: null, reason: 'no negative samples' });
  });

  it('rejects a NaN score with the index of the sample', () => {
    expect(() => binaryAuroc([true, false], [0.1, Number.NaN])).toThrow(/scores\[1\]/);
  });
});

describe('aurocOfTieGroups with weights', () => {
  it('equals the AUROC of the sample with each item repeated as often as its weight', () => {
    const rng = new Rng(8);
    const scores = Array.from({ length: 60 }, () => Math.round(rng.next() * 20) / 20); // many ties
    const isPositive = scores.map((s) => rng.bernoulli(0.3 + 0.4 * s));
    const counts = scores.map(() => rng.int(0, 3));
    const expanded = counts.flatMap((c, i) => new Array<number>(c).fill(i));
    const direct = binaryAuroc(
      expanded.map((i) => isPositive[i] as boolean),
      expanded.map((i) => scores[i] as number),
    );
    expect(aurocOfTieGroups(tieGroups(scores), isPositive, counts).value).toBeCloseTo(direct.value as number, 14);
  });
});

describe('oneVsRestAuroc', () => {
  const yTrue = [0, 1, 2, 0, 1, 2, 1];
  const scores = [
    [0.7, 0.2, 0.1],
    [0.3, 0.4, 0.3],
    [0.2, 0.2, 0.6],
    [0.4, 0.5, 0.1],
    [0.1, 0.8, 0.1],
    [0.5, 0.1, 0.4],
    [0.3, 0.3, 0.4],
  ];

  it('does not depend on the order of the classes', () => {
    const perm = [2, 0, 1]; // new class j is old class perm[j]
    const permutedTrue = yTrue.map((t) => perm.indexOf(t));
    const permutedScores = scores.map((row) => perm.map((old) => row[old] as number));
    const a = oneVsRestAuroc(yTrue, scores, 3);
    const b = oneVsRestAuroc(permutedTrue, permutedScores, 3);
    expect(b.macro).toBeCloseTo(a.macro as number, 15);
    perm.forEach((old, j) => expect(b.perClass[j]?.value).toBe(a.perClass[old]?.value));
  });

  it('leaves a class without queries out of the macro mean and says why', () => {
    const r = oneVsRestAuroc(
      [0, 0, 1, 1],
      [
        [0.9, 0.1, 0],
        [0.6, 0.4, 0],
        [0.3, 0.7, 0],
        [0.2, 0.8, 0],
      ],
      3,
    );
    expect(r.perClass[2]).toEqual({ value: null, reason: 'no positive samples' });
    expect(r.macro).toBe(1);
  });
});
