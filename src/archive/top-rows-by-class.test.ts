import { describe, expect, it } from 'vitest';
import type { LinearLogits } from '../fewshot/few-shot-head.js';
import { Rng } from '../util/rng.js';
import { topRowsByClass } from './top-rows-by-class.js';

/** log p_T(c | x) computed the long way, in float64, from the logits' definition. */
function logProbability(x: Float32Array, logits: LinearLogits, c: number, T: number): number {
  const norm = Math.hypot(...x);
  const l = logits.directions.map((a, k) => {
    if (logits.kind === 'cosine')
      return x.reduce((s, v, d) => s + v * (a[d] as number), 0) / (norm || 1) + (logits.bias[k] as number);
    return -x.reduce((s, v, d) => s + (v - (a[d] as number)) ** 2, 0);
  });
  const s = l.map((v) => v / T);
  const max = Math.max(...s);
  return (s[c] as number) - max - Math.log(s.reduce((z, v) => z + Math.exp(v - max), 0));
}

function matrix(n: number, D: number, rng: Rng): Float32Array {
  return Float32Array.from({ length: n * D }, () => rng.normal());
}

describe('topRowsByClass', () => {
  for (const kind of ['distance', 'cosine'] as const)
    it(`keeps, for each class, the rows a full sort of log p_T(c | x) puts first (${kind} logits)`, async () => {
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
        const scores = Array.from({ length: n }, (_, i) =>
          logProbability(x.subarray(i * D, (i + 1) * D), logits, c, 1.7),
        );
        const expected = Array.from({ length: n }, (_, i) => i)
          .sort((a, b) => (scores[b] as number) - (scores[a] as number) || a - b)
          .slice(0, j === 0 ? 40 : 7);
        expect(got[j]?.rows).toEqual(expected);
        got[j]?.scores.forEach((s, k) => expect(s).toBeCloseTo(scores[expected[k] as number] as number, 4));
      });
      // A second scan of the same matrix (cosine: with the row norms kept from the first) finds the same rows.
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
});
