import { describe, expect, it } from 'vitest';
import { Rng } from '../../util/rng.js';
import { umapProjection } from './umap-projection.js';

describe('umapProjection', () => {
  const rng = new Rng(5);
  const centres = [0, 1, 2].map(() => Array.from({ length: 16 }, () => 6 * rng.normal()));
  const labels = Array.from({ length: 90 }, (_, i) => i % 3);
  const vectors = labels.map((l) => (centres[l] as number[]).map((x) => x + rng.normal()));

  it('gives the same map for the same seed', () => {
    expect(umapProjection(vectors, { seed: 2 })).toEqual(umapProjection(vectors, { seed: 2 }));
  });

  it('keeps well-separated clusters apart in 2-D', () => {
    const xy = umapProjection(vectors, { seed: 2 });
    const centroid = (l: number): [number, number] => {
      const pts = xy.filter((_, i) => labels[i] === l);
      return [pts.reduce((a, p) => a + p[0], 0) / pts.length, pts.reduce((a, p) => a + p[1], 0) / pts.length];
    };
    // each point is nearer its own cluster's centroid than any other
    const cs = [0, 1, 2].map(centroid);
    const nearest = xy.map((p) =>
      cs
        .map((c) => Math.hypot(p[0] - c[0], p[1] - c[1]))
        .reduce((best, d, j, all) => (d < (all[best] as number) ? j : best), 0),
    );
    expect(nearest).toEqual(labels);
  });

  it('refuses ragged or non-finite embeddings with the index of the bad one', () => {
    expect(() => umapProjection([[1, 2], [3, 4], [5]], { seed: 0 })).toThrow(/embedding 2 has 1 dimensions/);
    expect(() =>
      umapProjection(
        [
          [1, 2],
          [3, Number.NaN],
          [5, 6],
        ],
        { seed: 0 },
      ),
    ).toThrow(/embedding 1 holds a non-finite value/);
  });
});
