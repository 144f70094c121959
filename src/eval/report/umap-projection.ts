import { UMAP } from 'umap-js';
import { FewbeatError } from '../../errors.js';
import { Rng } from '../../util/rng.js';

/** Options of {@link umapProjection}. */
export interface UmapOptions {
  /** seed of the projection's random initialisation and sampling (src/util/rng.ts) */
  seed: number;
  /** neighbourhood size, capped at n − 1 @default 15 */
  nNeighbors?: number;
  /** @default 0.1 */
  minDist?: number;
}

/**
 * 2-D UMAP projection (McInnes, Healy & Melville 2018) of N embedding vectors, by umap-js with a
 * seeded random source, so the same vectors and seed give the same map.
 *
 * @param vectors N × D embeddings, N ≥ 3
 * @returns N × 2 coordinates
 */
export function umapProjection(vectors: readonly (readonly number[])[], options: UmapOptions): [number, number][] {
  const n = vectors.length;
  if (n < 3) throw new FewbeatError(`needs at least 3 embeddings to map, got ${n}`, { location: 'umapProjection' });
  const dim = vectors[0]?.length ?? 0;
  vectors.forEach((v, i) => {
    if (v.length !== dim)
      throw new FewbeatError(`embedding ${i} has ${v.length} dimensions, the first has ${dim}`, {
        location: 'umapProjection',
      });
    if (v.some((x) => !Number.isFinite(x)))
      throw new FewbeatError(`embedding ${i} holds a non-finite value`, { location: 'umapProjection' });
  });
  const rng = new Rng(options.seed);
  const umap = new UMAP({
    nComponents: 2,
    nNeighbors: Math.min(options.nNeighbors ?? 15, n - 1),
    minDist: options.minDist ?? 0.1,
    random: () => rng.next(),
  });
  return umap.fit(vectors.map((v) => [...v])).map((p) => [p[0] as number, p[1] as number]);
}
