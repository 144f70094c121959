import { describe, expect, it } from 'vitest';
import type { Episode } from '../../data/episode-sampler.js';
import { fineTuneEpisode } from './fine-tune.js';

describe('fineTuneEpisode (support-set fine-tuning baseline)', () => {
  // Two classes pointing along x and y; the queries lean towards one of them.
  const embeddings = [[1, 0.1], [0.9, -0.1], [0.1, 1], [-0.1, 0.9], [2, 0.5], [0.3, 3]].map((v) => Float32Array.from(v));
  const episode: Episode = { index: 0, classes: ['a', 'b'], support: [0, 1, 2, 3], supportLabels: [0, 0, 1, 1], query: [4, 5], queryLabels: [0, 1] };

  it('fits a classifier on the support that separates the queries, with probabilities summing to 1', () => {
    const p = fineTuneEpisode(episode, embeddings);
    expect(p[0]?.[0]).toBeGreaterThan(0.8);
    expect(p[1]?.[1]).toBeGreaterThan(0.8);
    for (const row of p) expect(row.reduce((s, v) => s + v, 0)).toBeCloseTo(1, 12);
  });

  it('gives uniform probabilities before any step', () => {
    expect(fineTuneEpisode(episode, embeddings, { steps: 0, learningRate: 1, weightDecay: 0 })).toEqual([[0.5, 0.5], [0.5, 0.5]]);
  });
});
