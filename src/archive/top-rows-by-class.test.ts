import { describe, expect, it } from 'vitest';
import type { LinearLogits } from '../fewshot/few-shot-head.js';
import { Rng } from '../util/rng.js';
import { topRowsByClass } from './top-rows-by-class.js';

/**
 * The log-odds of class c, log p_T(c | x) − log(1 − p_T(c | x)) = (l_c − log Σ_{k≠c} exp l_k) / T, computed the long
 * way in float64 from the logits' definition (one class: its logit).
 */
function logOdds(x: Float32Array, logits: LinearLogits, c: number, T: number): number {
  const norm = Math.hypot(...x);
  const l = logits.directions.map((a, k) => {
    if (logits.kind === 'cosine')
      return (x.reduce((s, v, d) => s + v * (a[d] as number), 0) / (norm || 1) + (logits.bias[k] as number)) / T;
    return -x.reduce((s, v, d) => s + (v - (a[d] as number)) ** 2, 0) / T;
  });
  const others = l.filter((_, k) => k !== c);
  if (others.length === 0) return l[c] as number;
  const max = Math.max(...others);
  return (l[c] as number) - max - Math.log(others.reduce((z, v) => z + Math.exp(v - max), 0));
}

function matrix(n: number, D: number, rng: Rng): Float32Array {
  return Float32Array.from({ length: n * D }, () => rng.normal());
}

describe('topRowsByClass', () => {
  for (const kind of ['distance', 'cosine'] as const)
    it(`keeps per class the rows a sort of p_T(c | x) puts first, with their log-odds (${kind} logits)`, async () => {
      const rng = new Rng(kind === 'distance' ? 1 : 2);
      const D = 7;
      const n = 1500;
      const x = matrix(n, D, rng);
      x.fill(0, 10 * D, 11 * D); // a zero row
      const logits: LinearLogits = {
        kind,
        directions: [0, 1, 2].map(() => Float32Array.from({ length: D }, () => rng.normal())),
        bias: kind === 'cosine' ? Float64Array.of(0.1, -0.2, 0.3) : new Float64Array(3),
      };
      // Chunks of 400 rows: the heaps carry over from one call of the session to the next.
      const got = await topRowsByClass(x, D, logits, 1.7, [1, 2], [40, 7], { chunkRows: 400, threads: 1 });
      [1, 2].forEach((c, j) => {
        const scores = Array.from({ length: n }, (_, i) => logOdds(x.subarray(i * D, (i + 1) * D), logits, c, 1.7));
        const expected = Array.from({ length: n }, (_, i) => i)
          .sort((a, b) => (scores[b] as number) - (scores[a] as number) || a - b)
          .slice(0, j === 0 ? 40 : 7);
        expect(got[j]?.rows).toEqual(expected);
        got[j]?.scores.forEach((s, k) => expect(s).toBeCloseTo(scores[expected[k] as number] as number, 9));
      });
      // A second scan of the same matrix (with the 8-bit rows kept from the first) finds the same rows.
      expect(await topRowsByClass(x, D, logits, 1.7, [1, 2], [40, 7], { chunkRows: 400, threads: 1 })).toEqual(got);
    });

  it('returns every row, best first, when asked for more rows than there are, and none for a limit of 0', async () => {
    const rng = new Rng(3);
    const x = matrix(5, 4, rng);
    const logits: LinearLogits = {
      kind: 'distance',
      directions: [x.slice(8, 12), x.slice(0, 4)],
      bias: new Float64Array(2),
    };
    const [all, none] = await topRowsByClass(x, 4, logits, 1, [0, 0], [10, 0]);
    expect([...(all?.rows ?? [])].sort()).toEqual([0, 1, 2, 3, 4]);
    expect(all?.rows[0]).toBe(2);
    expect(all?.scores).toEqual([...(all?.scores ?? [])].sort((a, b) => b - a));
    expect(none?.rows).toEqual([]);
  });

  for (const kind of ['distance', 'cosine'] as const)
    it(`stays exact when the top holds rows closer than the 8-bit codes can tell (${kind})`, async () => {
      const rng = new Rng(4);
      const D = 150;
      const n = 3000;
      const x = matrix(n, D, rng);
      const a = Float32Array.from({ length: D }, () => rng.normal());
      // 400 near-copies of the prototype, 1e-5 apart: far below the codes' resolution (≈ 0.02 per entry).
      for (let i = 0; i < 400; i++)
        for (let d = 0; d < D; d++) x[i * 7 * D + d] = (a[d] as number) + 1e-5 * rng.normal();
      const logits: LinearLogits = {
        kind,
        directions: [a, Float32Array.from({ length: D }, () => rng.normal())],
        bias: new Float64Array(2),
      };
      const [got] = await topRowsByClass(x, D, logits, 0.5, [0], [50], { threads: 1 });
      const scores = Array.from({ length: n }, (_, i) => logOdds(x.subarray(i * D, (i + 1) * D), logits, 0, 0.5));
      const expected = Array.from({ length: n }, (_, i) => i)
        .sort((p, q) => (scores[q] as number) - (scores[p] as number) || p - q)
        .slice(0, 50);
      expect(got?.rows).toEqual(expected);
      expect(got?.rescored).toBeGreaterThanOrEqual(400);
    });

  it('re-scores only a few times as many rows as it keeps when the top is not crowded', async () => {
    const rng = new Rng(5);
    const D = 150;
    const x = matrix(20_000, D, rng);
    const logits: LinearLogits = {
      kind: 'distance',
      directions: [0, 1].map((c) => Float32Array.from({ length: D }, () => rng.normal() + (c === 0 ? 0.5 : -0.5))),
      bias: new Float64Array(2),
    };
    const [got] = await topRowsByClass(x, D, logits, 1, [0], [84], { threads: 1 });
    expect(got?.rows).toHaveLength(84);
    expect(got?.rescored).toBeLessThan(5 * 84);
  });

  it('ranks the rows of a one-class head (where p = 1 for every row) by their distance to its prototype', async () => {
    const rng = new Rng(6);
    const D = 12;
    const x = matrix(500, D, rng);
    const a = x.slice(37 * D, 38 * D);
    const logits: LinearLogits = { kind: 'distance', directions: [a], bias: new Float64Array(1) };
    const [got] = await topRowsByClass(x, D, logits, 2, [0], [5], { threads: 1 });
    const distance = (i: number) =>
      x.subarray(i * D, (i + 1) * D).reduce((s, v, d) => s + (v - (a[d] as number)) ** 2, 0);
    const expected = Array.from({ length: 500 }, (_, i) => i)
      .sort((p, q) => distance(p) - distance(q))
      .slice(0, 5);
    expect(got?.rows).toEqual(expected);
    expect(got?.rows[0]).toBe(37);
  });
});
