import { describe, expect, it } from 'vitest';
import type { BatchSource } from '../data/batch.js';
import type { Episode } from '../data/episode-sampler.js';
import { FewbeatError } from '../errors.js';
import { classifyEpisode } from './classify-episode.js';
import { fitSupportClassifier } from './support-classifier.js';
import {
  augmentedEpisodeProbabilities,
  augmentedSupport,
  augmentedViews,
  NO_SUPPORT_AUGMENTATION,
  queryProbabilities,
  supportAugmentationOf,
  withViews,
  type AugmentedVectors,
} from './support-augmentation.js';

/** A 3-lead, 200-sample recording (lead 2 not recorded) with clinical context and measurements. */
function recording(seed: number): BatchSource {
  const L = 3;
  const T = 200;
  const signal = new Float32Array(T * L);
  for (let t = 0; t < T; t++)
    for (let l = 0; l < 2; l++) signal[t * L + l] = Math.sin((2 * Math.PI * (seed + l + 1) * t) / T);
  return {
    signal,
    mask: Float32Array.of(1, 1, 0),
    ageYears: 4,
    sex: 'F',
    clinical: { weight_kg: 16 },
    measurements: [0.5, -1, null, 0.2, 0.1, 0.05, 0.7, null, null, null],
  };
}

const v = (...x: number[]): Float32Array => Float32Array.from(x);

describe('augmentedViews (label-preserving copies of a support recording)', () => {
  const item = recording(1);

  it('gives views that differ from the original but keep its lead mask, clinical context and measurements', () => {
    const views = augmentedViews(item, 0, 3, 11);
    expect(views).toHaveLength(3);
    for (const view of views) {
      expect(Array.from(view.signal)).not.toEqual(Array.from(item.signal));
      expect(Array.from(view.mask)).toEqual([1, 1, 0]);
      expect(view.measurements).toBe(item.measurements);
      expect(view.clinical).toBe(item.clinical);
      expect(view.ageYears).toBe(4);
      // The missing lead stays exactly zero (no lead is dropped, none appears).
      for (let t = 0; t < 200; t++) expect(view.signal[t * 3 + 2]).toBe(0);
    }
    expect(Array.from(views[0]?.signal ?? [])).not.toEqual(Array.from(views[1]?.signal ?? []));
  });

  it('stays close to the original: a gain within ±20 %, a shift and noise of a few percent of the signal power', () => {
    const [view] = augmentedViews(item, 0, 1, 11);
    const power = (x: Float32Array): number => x.reduce((s, a) => s + a * a, 0);
    const ratio = power(view?.signal as Float32Array) / power(item.signal);
    expect(ratio).toBeGreaterThan(0.8 ** 2 * 0.95);
    expect(ratio).toBeLessThan(1.2 ** 2 * 1.05 + 0.05);
  });

  it('is deterministic for a seed, differs across seeds and items, and a smaller view count is a prefix of a larger one', () => {
    const a = augmentedViews(item, 4, 3, 11).map((x) => Array.from(x.signal));
    expect(augmentedViews(item, 4, 3, 11).map((x) => Array.from(x.signal))).toEqual(a);
    expect(augmentedViews(item, 4, 2, 11).map((x) => Array.from(x.signal))).toEqual(a.slice(0, 2));
    expect(Array.from(augmentedViews(item, 4, 1, 12)[0]?.signal ?? [])).not.toEqual(a[0]);
    expect(Array.from(augmentedViews(item, 5, 1, 11)[0]?.signal ?? [])).not.toEqual(a[0]);
    expect(item.signal[0]).toBe(0); // the input is untouched
  });
});

describe('augmented support sets', () => {
  // 1-D vectors: class a at 0 and 1, class b at 10; query at 4. Views of item 0 sit at 2 and 4.
  const pool = [v(0, 0), v(1, 0), v(10, 0), v(4, 0)];
  const episode: Episode = {
    index: 0,
    classes: ['a', 'b'],
    support: [0, 1, 2],
    supportLabels: [0, 0, 1],
    query: [3],
    queryLabels: [0],
  };
  const none: AugmentedVectors = { vectors: pool, views: pool.map(() => []) };
  const some: AugmentedVectors = { vectors: pool, views: [[v(2, 0), v(4, 0)], [], [v(10, 2)], [v(5, 0)]] };

  it("adds every view of a support item with the item's label, and never a query's views", () => {
    const s = augmentedSupport(episode, some);
    expect(s.vectors.map((x) => Array.from(x))).toEqual([
      [0, 0],
      [2, 0],
      [4, 0],
      [1, 0],
      [10, 0],
      [10, 2],
    ]);
    expect(s.labels).toEqual([0, 0, 0, 0, 1, 1]);
  });

  it('gives exactly the plain nearest-prototype and support-softmax predictions without views', () => {
    expect(augmentedEpisodeProbabilities(episode, none, 'prototype', false)).toEqual(
      classifyEpisode(episode, pool).probabilities,
    );
    const softmax = fitSupportClassifier(
      episode.support.map((i) => pool[i] as Float32Array),
      episode.supportLabels,
      episode.classes.length,
    );
    const plain = episode.query.map((i) => softmax(pool[i] as Float32Array));
    expect(augmentedEpisodeProbabilities(episode, none, 'support-softmax', false)).toEqual(plain);
    expect(augmentedEpisodeProbabilities(episode, none, 'support-softmax', true)).toEqual(plain);
  });

  it('builds prototypes from originals and views together (hand-computed)', () => {
    // μ_a = mean(0, 2, 4, 1) = 1.75, μ_b = (10, 1); query (4, 0): d_a = 2.25² = 5.0625, d_b = 36 + 1 = 37.
    const [p] = augmentedEpisodeProbabilities(episode, some, 'prototype', false);
    expect(p?.[0]).toBeCloseTo(1 / (1 + Math.exp(-(37 - 5.0625))), 12);
  });

  it("averages a query's probabilities over itself and its views with test-time augmentation (hand-computed)", () => {
    const classify = (x: Float32Array): number[] => [x[0] as number, 1 - (x[0] as number)];
    expect(queryProbabilities(classify, v(0.25), [v(0.5), v(0.75)], true)).toEqual([0.5, 0.5]);
    expect(queryProbabilities(classify, v(0.25), [v(0.5), v(0.75)], false)).toEqual([0.25, 0.75]);
  });

  it("takes a prefix of each item's views for a smaller setting", () => {
    expect(withViews(some, 1).views.map((x) => x.length)).toEqual([1, 0, 1, 1]);
    expect(withViews(some, 0)).toEqual(none);
  });
});

describe('supportAugmentationOf (the model config field)', () => {
  it('means no augmentation in model directories written before the field existed', () => {
    expect(supportAugmentationOf({ training: {} })).toEqual(NO_SUPPORT_AUGMENTATION);
    expect(supportAugmentationOf({ supportAugmentation: { views: 4, testTime: true, seed: 9 } })).toEqual({
      views: 4,
      testTime: true,
      seed: 9,
    });
  });

  it('rejects a malformed field with a FewbeatError naming the file and field', () => {
    const read = (): unknown =>
      supportAugmentationOf({ supportAugmentation: { views: -1, testTime: false, seed: 1 } }, 'm/config.json');
    expect(read).toThrow(FewbeatError);
    expect(read).toThrow(/supportAugmentation\.views/);
  });
});
