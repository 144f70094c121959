import { z } from 'zod';
import type { ClinicalEncoder } from '../clinical/encode.js';
import { augmentEcg, type AugmentOptions } from '../data/augment.js';
import type { BatchSource } from '../data/batch.js';
import type { Episode } from '../data/episode-sampler.js';
import { FewbeatError } from '../errors.js';
import type { EpisodicModel } from '../models/episodic-model.js';
import { Rng } from '../util/rng.js';
import { appendContext, decideContext, type ContextDecision } from './context-gate.js';
import { embedAll, type Embeddings } from './embed.js';
import { computePrototypes, prototypeProbabilities } from './prototypes.js';
import { fitSupportClassifier, type FewShotClassifier } from './support-classifier.js';

/**
 * Support-set augmentation at test time ("hallucinating" extra shots from label-preserving
 * transforms: Ni et al., "Data augmentation for meta-learning", ICML 2021; Yang et al., "Free lunch
 * for few-shot learning: distribution calibration", ICLR 2021): every support recording also
 * contributes `views` augmented copies, embedded by the same model, and the few-shot classifier
 * (prototypes or the support softmax) is fitted on the K·(1 + views) vectors per class.
 * `testTime` also averages each query's class probabilities over the query and its own `views`
 * augmented copies (test-time augmentation), still one query at a time (inductive).
 * An augmented view keeps the recording's measurements m̃ (the transforms move no interval or rate).
 * `seed` makes the views reproducible. Recorded in a model's config.json as `supportAugmentation`;
 * directories without it use none (`views: 0`), i.e. behave as before the option existed.
 */
export interface SupportAugmentation {
  views: number;
  testTime: boolean;
  seed: number;
}

export const NO_SUPPORT_AUGMENTATION: SupportAugmentation = { views: 0, testTime: false, seed: 0 };

/** Candidate view counts and test-time choices the validation choice compares (first = none). */
export const SUPPORT_AUGMENTATION_CANDIDATES: ReadonlyArray<Pick<SupportAugmentation, 'views' | 'testTime'>> = [
  { views: 0, testTime: false },
  ...[2, 4, 8].flatMap((views) => [
    { views, testTime: false },
    { views, testTime: true },
  ]),
];

/**
 * The class-preserving subset of the training augmentations (src/data/augment.ts): per-lead gain
 * in [0.8, 1.2], circular shift up to ±10 % of the window, white and EMG-like noise at 0.05 of a
 * lead's standard deviation. Left out: lead dropout (it removes the leads a class may be told
 * apart on), time warp (it changes local rates and intervals by up to ±5 %, while the view reuses
 * the original measurements, and rate-for-age separates several classes) and baseline wander
 * (the 0.5 Hz high-pass of preprocessing removes real wander, so it would add an artefact unseen
 * at test time).
 */
export const SUPPORT_VIEW_AUGMENT: AugmentOptions = {
  amplitudeScale: 0.2,
  timeShift: 0.1,
  gaussianNoise: 0.05,
  emgNoise: 0.05,
  baselineWander: 0,
  leadDropout: 0,
  timeWarp: 0,
};

const supportAugmentationSchema = z.object({
  views: z.number().int().min(0).max(64),
  testTime: z.boolean(),
  seed: z.number().int(),
});

/** The seed of a model's augmented views, derived from the model's seed (what calibration records). */
export function viewSeed(modelSeed: number): number {
  return (modelSeed ^ 0xa06) >>> 0;
}

/** One line for CLI output and reports. */
export function describeAugmentation(a: SupportAugmentation): string {
  return a.views === 0
    ? 'none'
    : `${a.views} augmented views per support recording${a.testTime ? ', queries averaged over as many views' : ''} (seed ${a.seed})`;
}

/** The `supportAugmentation` of a model directory's config.json (loose `extra`): none when absent. */
export function supportAugmentationOf(extra: object, file?: string): SupportAugmentation {
  const raw = (extra as { supportAugmentation?: unknown }).supportAugmentation;
  if (raw === undefined) return NO_SUPPORT_AUGMENTATION;
  const parsed = supportAugmentationSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new FewbeatError(
      `supportAugmentation.${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'}`,
      file === undefined ? {} : { file },
    );
  }
  return parsed.data;
}

/**
 * The first `views` augmented copies of `item`, which is item `index` of its pool: view j comes from
 * the j-th draws of a generator seeded by (seed, index), so the first m views are the same for any
 * `views` ≥ m (a smaller setting is a prefix of a larger one). Signal and mask change; the clinical
 * context and measurements are the item's own.
 */
export function augmentedViews<T extends BatchSource>(item: T, index: number, views: number, seed: number): T[] {
  const rng = new Rng(seed).fork(index);
  return Array.from({ length: views }, () => ({
    ...item,
    ...augmentEcg(item.signal, item.mask, rng, SUPPORT_VIEW_AUGMENT),
  }));
}

/**
 * A pool's vectors and, per item, the vectors of its augmented views (`views[i][j]`, j < views);
 * with a context gate, each item's weighted clinical vector β·c and the gate's margin
 * (src/fewshot/context-gate.ts): the classifier of an episode whose support set the gate opens
 * for sees [x; β·c] for every vector of item i (views keep their item's context).
 */
export interface AugmentedVectors {
  vectors: Float32Array[];
  views: Float32Array[][];
  context?: { vectors: Float32Array[]; margin: number };
}

/**
 * Embed `items` and `augmentation.views` augmented views of each with the model in inference
 * mode, and map both to vectors with `toVectors` (e.g. `inSpace(·, space)`): items·(1 + views)
 * forward passes in batches of `batchSize`, views generated a chunk of items at a time so that
 * only one chunk of augmented signals is held in memory. No tensor outlives the call.
 */
export function embedWithViews(
  model: EpisodicModel,
  items: readonly BatchSource[],
  encoder: ClinicalEncoder,
  augmentation: Pick<SupportAugmentation, 'views' | 'seed'>,
  toVectors: (e: Embeddings) => Float32Array[],
  { clinicalInput = 'use', batchSize = 32 }: { clinicalInput?: 'use' | 'blank'; batchSize?: number } = {},
): AugmentedVectors {
  const vectors = toVectors(embedAll(model, items, encoder, { clinicalInput, batchSize }));
  const M = augmentation.views;
  const views: Float32Array[][] = items.map(() => []);
  if (M === 0) return { vectors, views };
  const chunk = Math.max(1, Math.floor((4 * batchSize) / M));
  for (let start = 0; start < items.length; start += chunk) {
    const copies = items
      .slice(start, start + chunk)
      .flatMap((item, k) => augmentedViews(item, start + k, M, augmentation.seed));
    const v = toVectors(embedAll(model, copies, encoder, { clinicalInput, batchSize }));
    for (let k = 0; k * M < v.length; k++) views[start + k] = v.slice(k * M, (k + 1) * M);
  }
  return { vectors, views };
}

/** The first `views` views of every item (a smaller augmentation setting from a larger embedding). */
export function withViews(a: AugmentedVectors, views: number): AugmentedVectors {
  return { ...a, views: a.views.map((v) => v.slice(0, views)) };
}

/**
 * An episode's support vectors and labels: each support item, then its augmented views, same
 * label; `vectorOf(v, i)` maps a vector of item i (e.g. appends its clinical context).
 */
export function augmentedSupport(
  episode: Episode,
  a: AugmentedVectors,
  vectorOf: (v: Float32Array, item: number) => Float32Array = (v) => v,
): { vectors: Float32Array[]; labels: number[] } {
  const vectors: Float32Array[] = [];
  const labels: number[] = [];
  episode.support.forEach((i, k) => {
    for (const v of [a.vectors[i] as Float32Array, ...(a.views[i] ?? [])]) {
      vectors.push(vectorOf(v, i));
      labels.push(episode.supportLabels[k] as number);
    }
  });
  return { vectors, labels };
}

/**
 * A classifier over N classes fitted on support vectors: the nearest prototype, softmax(−‖x − μ_c‖²)
 * (Snell et al. 2017), or the support softmax ({@link fitSupportClassifier}).
 */
export function fitFewShotClassifier(
  classifier: FewShotClassifier,
  vectors: readonly Float32Array[],
  labels: readonly number[],
  nClasses: number,
): (x: Float32Array) => number[] {
  if (classifier === 'support-softmax') return fitSupportClassifier(vectors, labels, nClasses);
  const prototypes = computePrototypes(vectors, labels, nClasses);
  return (x) => prototypeProbabilities(x, prototypes).probabilities;
}

/**
 * p(c | q) for a query with vector `query` and augmented views `queryViews`: the classifier's
 * output on the query alone, or with test-time augmentation the mean over the query and its views,
 * p(c | q) = (1/(1+M)) Σ_v p(c | v).
 */
export function queryProbabilities(
  classify: (x: Float32Array) => number[],
  query: Float32Array,
  queryViews: readonly Float32Array[],
  testTime: boolean,
): number[] {
  const all = testTime ? [query, ...queryViews] : [query];
  const sum: number[] = [];
  for (const v of all) classify(v).forEach((p, c) => (sum[c] = (sum[c] ?? 0) + p));
  return sum.map((s) => s / all.length);
}

/** The context gate's decision on an episode's support set (its original vectors, not the views); null without a gate. */
export function episodeContextDecision(episode: Episode, a: AugmentedVectors): ContextDecision | null {
  if (!a.context) return null;
  const context = a.context.vectors;
  return decideContext(
    episode.support.map((i) => a.vectors[i] as Float32Array),
    episode.support.map((i) => context[i] as Float32Array),
    episode.supportLabels,
    episode.classes.length,
    a.context.margin,
  );
}

/**
 * Query probabilities of one episode with an augmented support set ([nq][N]); when the context
 * gate opens for the support set, every support and query vector carries its child's context.
 */
export function augmentedEpisodeProbabilities(
  episode: Episode,
  a: AugmentedVectors,
  classifier: FewShotClassifier,
  testTime: boolean,
): number[][] {
  const context = episodeContextDecision(episode, a)?.used ? a.context?.vectors : undefined;
  const vectorOf = (v: Float32Array, i: number): Float32Array =>
    context ? appendContext(v, context[i] as Float32Array) : v;
  const support = augmentedSupport(episode, a, vectorOf);
  const classify = fitFewShotClassifier(classifier, support.vectors, support.labels, episode.classes.length);
  return episode.query.map((i) =>
    queryProbabilities(
      classify,
      vectorOf(a.vectors[i] as Float32Array, i),
      (a.views[i] ?? []).map((v) => vectorOf(v, i)),
      testTime,
    ),
  );
}
