import type { ClinicalEncoder } from '../clinical/encode.js';
import { encodeClinical } from '../data/batch.js';
import type { Example } from '../data/dataset.js';
import { EpisodeSampler, type Episode, type EpisodeShape } from '../data/episode-sampler.js';
import { classifyEpisode, episodeAccuracy, type PoolVectors } from '../fewshot/classify-episode.js';
import { embedAll } from '../fewshot/embed.js';
import { NEAREST_PROTOTYPE, type FewShotHeadConfig } from '../fewshot/few-shot-head.js';
import {
  inSpace,
  MEASUREMENT_ALPHAS,
  measurementSpace,
  PROTOTYPE_SPACE_CANDIDATES,
  type PrototypeSpace,
} from '../fewshot/prototype-space.js';
import type { EpisodicModel } from '../models/episodic-model.js';
import type { TrainConfig } from '../model-dir/train-config.js';

/**
 * The largest feasible episode shape on a small pool, never above `wanted`: classes with at least
 * K + Q patients take part; Q shrinks (down to 1), then K, until at least two classes qualify.
 * Returns null when even 2-way 1-shot 1-query is impossible.
 */
export function feasibleShape(
  pool: readonly Example[],
  wanted: EpisodeShape,
): { shape: EpisodeShape; classes: string[] } | null {
  const patients = new Map<string, Set<string>>();
  for (const e of pool) patients.set(e.label, (patients.get(e.label) ?? new Set()).add(e.patientId));
  for (let shots = wanted.shots; shots >= 1; shots--) {
    for (let queries = wanted.queries; queries >= 1; queries--) {
      const classes = [...patients.keys()].filter((c) => (patients.get(c)?.size ?? 0) >= shots + queries).sort();
      if (classes.length >= 2)
        return { shape: { ways: Math.min(wanted.ways, classes.length), shots, queries }, classes };
    }
  }
  return null;
}

/**
 * The validation episode shape: the one that lets the most base classes take part. Validation
 * pools are small (15 % of the base-class children), so the training shape K + Q often leaves only
 * the two or three most common classes (e.g. nsr, rsa, sinus_tachy, told apart by rate for age),
 * and model selection then rewards the wrong thing. Q shrinks as long as it brings more classes in
 * (ties keep the larger Q); K shrinks only when fewer than two classes qualify.
 */
export function validationShape(
  pool: readonly Example[],
  wanted: EpisodeShape,
): { shape: EpisodeShape; classes: string[] } | null {
  const first = feasibleShape(pool, wanted);
  if (!first) return null;
  let best = first;
  for (let queries = first.shape.queries - 1; queries >= 1; queries--) {
    const next = feasibleShape(pool, { ...wanted, shots: first.shape.shots, queries });
    if (next && next.shape.shots === first.shape.shots && next.classes.length > best.classes.length) best = next;
  }
  return best;
}

/** The space L_class trains prototypes in (`classEmbedding`): where validation measures progress. */
export function trainingSpace(c: { classEmbedding: 'fused' | 'ecg' }): PrototypeSpace {
  return c.classEmbedding === 'ecg' ? { kind: 'ecg+clinical', alpha: 0 } : { kind: 'fused' };
}

/** Fixed validation episodes over held-out base-class patients: the same episodes at every check. */
export class Validator {
  readonly episodes: Episode[];
  readonly shape: EpisodeShape;

  constructor(
    readonly pool: readonly Example[],
    readonly encoder: ClinicalEncoder,
    wanted: EpisodeShape,
    count: number,
    seed: number,
    readonly clinicalInput: 'use' | 'blank' = 'use',
  ) {
    const feasible = validationShape(pool, wanted);
    this.shape = feasible?.shape ?? wanted;
    this.episodes = feasible
      ? new EpisodeSampler(pool, { ...feasible.shape, classes: feasible.classes, seed }).episodes(count)
      : [];
  }

  /**
   * The validation episodes of a model trained with `training` from seed `modelSeed`: the training
   * shape, the training clinical input and a seed derived from the model's, so that training, its
   * final calibration, `fewbeat recalibrate` and evaluation all draw the same episodes.
   * @param episodes how many (default: `training.validationEpisodes`)
   */
  static ofTraining(
    pool: readonly Example[],
    encoder: ClinicalEncoder,
    training: TrainConfig,
    modelSeed: number,
    episodes = training.validationEpisodes,
  ): Validator {
    return new Validator(pool, encoder, training, episodes, modelSeed ^ 0x7a11d, training.clinicalInput);
  }

  /**
   * Mean query accuracy of the model over the validation episodes (NaN without any), in `space`; on `pool`, the
   * validation pool's recordings read another way (e.g. `poolOnLeadSet`: same order, other leads).
   */
  accuracy(
    model: EpisodicModel,
    space: PrototypeSpace = { kind: 'fused' },
    pool: readonly Example[] = this.pool,
  ): number {
    if (this.episodes.length === 0) return Number.NaN;
    if (pool.length !== this.pool.length)
      throw new Error('Validator.accuracy: the pool must match the validation pool');
    const vectors = inSpace(embedAll(model, pool, this.encoder, { clinicalInput: this.clinicalInput }), space);
    return this.meanAccuracy({ vectors });
  }

  /** Mean query accuracy of the nearest-prototype head over the validation episodes, from the pool's vectors. */
  private meanAccuracy(pool: PoolVectors): number {
    return (
      this.episodes.reduce(
        (s, e) => s + episodeAccuracy(e, classifyEpisode(NEAREST_PROTOTYPE, e, pool).predictions),
        0,
      ) / this.episodes.length
    );
  }

  /**
   * The prototype space with the best validation accuracy among {@link PROTOTYPE_SPACE_CANDIDATES}
   * and the measurement spaces at {@link MEASUREMENT_ALPHAS} (first on ties; `fused` without
   * validation episodes). Measurement spaces hold every measurement (MEASUREMENT_FEATURES):
   * validation chooses their weight, not which measurements to keep. Held-out children of the base
   * classes cannot judge a measurement made for rhythms the base classes barely have (atrial
   * activity: flutter is a novel class); when the choice was offered, the two sets scored within
   * 0.002–0.007 of each other and the winner flipped between seeds.
   */
  choosePrototypeSpace(model: EpisodicModel): {
    space: PrototypeSpace;
    accuracies: Array<{ space: PrototypeSpace; accuracy: number }>;
  } {
    if (this.episodes.length === 0) return { space: { kind: 'fused' }, accuracies: [] };
    const embeddings = embedAll(model, this.pool, this.encoder, { clinicalInput: this.clinicalInput });
    const measured = MEASUREMENT_ALPHAS.map((alpha) => measurementSpace(embeddings, alpha));
    const candidates = [...PROTOTYPE_SPACE_CANDIDATES, ...measured.filter((s): s is PrototypeSpace => s !== null)];
    const accuracies = candidates.map((space) => {
      return { space, accuracy: this.meanAccuracy({ vectors: inSpace(embeddings, space) }) };
    });
    const best = accuracies.reduce((a, b) => (b.accuracy > a.accuracy + 1e-12 ? b : a));
    return { space: best.space, accuracies };
  }

  /** The validation children's encoded clinical vectors, as the model sees them (blank without clinical input). */
  clinicalVectors(): Float32Array[] {
    return encodeClinical(this.pool, this.encoder, this.clinicalInput);
  }

  /**
   * The validation pool's vectors in `space` and, with `clinical`, the children's encoded clinical
   * vectors: one embedding pass that every per-shot calibration ({@link ownClassDistances},
   * {@link queryProbabilities}) then reads.
   */
  poolVectors(model: EpisodicModel, space: PrototypeSpace, clinical = false): PoolVectors {
    const vectors = inSpace(embedAll(model, this.pool, this.encoder, { clinicalInput: this.clinicalInput }), space);
    return clinical ? { vectors, clinical: this.clinicalVectors() } : { vectors };
  }

  /**
   * The few-shot head's probabilities for every query of `episodes` (e.g. {@link episodesAt}), from
   * the pool's vectors, episode after episode: [queries][N], each query's episode label, and how
   * many support sets opened the head's context gate.
   */
  queryProbabilities(
    pool: PoolVectors,
    config: FewShotHeadConfig,
    episodes: readonly Episode[],
  ): { probabilities: number[][]; labels: number[]; contextUsed: number } {
    const probabilities: number[][] = [];
    const labels: number[] = [];
    let contextUsed = 0;
    for (const e of episodes) {
      const { head, predictions } = classifyEpisode(config, e, pool);
      probabilities.push(...predictions.map((p) => p.probabilities));
      labels.push(...e.queryLabels);
      if (head.contextDecision?.used) contextUsed++;
    }
    return { probabilities, labels, contextUsed };
  }

  /** Query accuracy of the validation episodes per age band of the query child. */
  accuracyByAgeBand(
    model: EpisodicModel,
    space: PrototypeSpace = { kind: 'fused' },
  ): Record<string, { accuracy: number; support: number }> {
    const pool = this.poolVectors(model, space);
    const tally = new Map<string, { right: number; n: number }>();
    for (const e of this.episodes) {
      const { predictions } = classifyEpisode(NEAREST_PROTOTYPE, e, pool);
      e.query.forEach((i, k) => {
        const band = (this.pool[i] as Example).ageBand;
        const t = tally.get(band) ?? { right: 0, n: 0 };
        t.n++;
        if (predictions[k]?.predicted === e.queryLabels[k]) t.right++;
        tally.set(band, t);
      });
    }
    return Object.fromEntries([...tally].map(([band, t]) => [band, { accuracy: t.right / t.n, support: t.n }]));
  }

  /**
   * Squared distances of every query of `episodes` (e.g. {@link episodesAt}) to its own class
   * prototype, from the pool's vectors (abstention calibration).
   */
  ownClassDistances(pool: PoolVectors, episodes: readonly Episode[]): number[] {
    return episodes.flatMap((e) =>
      classifyEpisode(NEAREST_PROTOTYPE, e, pool).predictions.map(
        (p, k) => p.distances[e.queryLabels[k] as number] as number,
      ),
    );
  }

  /**
   * As many validation episodes as {@link episodes}, of the validation shape with `shots` support
   * examples per class (the largest feasible shape), from a sampler seeded by the shot count: what
   * the per-shot calibrations (abstention threshold, probability temperature) are fitted on.
   */
  episodesAt(shots: number): Episode[] {
    const feasible = feasibleShape(this.pool, { ...this.shape, shots });
    if (!feasible || this.episodes.length === 0) return [];
    return new EpisodeSampler(this.pool, {
      ...feasible.shape,
      classes: feasible.classes,
      seed: 0x5eed + shots,
    }).episodes(this.episodes.length);
  }
}
