import { FewbeatError } from '../errors.js';
import { Rng } from '../util/rng.js';

/** What the sampler needs to know about one recording: its child and its class. */
export interface LabelledItem {
  patientId: string;
  /** Class id (`data/classes.json`). */
  label: string;
}

/** N-way K-shot Q-query episode shape. */
export interface EpisodeShape {
  /** N: classes per episode. */
  ways: number;
  /** K: support recordings per class. */
  shots: number;
  /** Q: query recordings per class. */
  queries: number;
}

/**
 * One few-shot episode. Indices point into the item list the sampler was built on; `supportLabels`
 * and `queryLabels` are positions in `classes` (0..N-1). Support is ordered class by class.
 */
export interface Episode {
  /** Position of the episode in its stream; with the seed it determines the episode. */
  index: number;
  classes: string[];
  support: number[];
  supportLabels: number[];
  query: number[];
  queryLabels: number[];
}

/** Options of {@link EpisodeSampler}. */
export interface EpisodeSamplerOptions extends EpisodeShape {
  /** The class pool episodes draw from. @default every class present in the items */
  classes?: readonly string[];
  /** Seed of the episode stream. */
  seed: number;
  /**
   * Sampling weight w(p) > 0 of each patient (a mixed cohort: the weight of the patient's cohort).
   * Absent: every free patient of a class is equally likely.
   */
  patientWeight?: (patientId: string) => number;
}

/**
 * Draws N-way K-shot Q-query episodes over a class pool (Snell et al. 2017; Vinyals et al. 2016).
 *
 * Within an episode every child appears at most once: support and query patients are disjoint,
 * and a patient with several recordings contributes one of them (drawn at random). Episode `i`
 * depends only on `(seed, i)`, so every method evaluated on "episode 17" sees the same recordings
 * (paired comparisons).
 *
 * With `patientWeight`, the K + Q patients of a class are drawn one after another without
 * replacement, each draw picking a remaining patient p with probability w(p) / Σ_q w(q) over the
 * remaining ones (Efraimidis & Spirakis 2006: the K + Q largest keys log(u_p) / w(p), u_p uniform
 * in (0, 1]); the support takes the first K draws. So the first patient of class c comes from
 * cohort k with probability
 *
 *     P_k(c) = w_k · n_k(c) / Σ_j w_j · n_j(c)
 *
 * with n_j(c) the free patients of class c in cohort j; later draws follow the same rule over the
 * patients left. Which classes an episode has does not depend on the weights.
 *
 * The constructor fails early with the numbers when a class has too few patients for K + Q.
 */
export class EpisodeSampler {
  readonly classes: readonly string[];
  readonly shape: EpisodeShape;
  private readonly seed: number;
  private readonly patientWeight: ((patientId: string) => number) | undefined;
  /** class -> patient -> item indices. */
  private readonly byClass: Map<string, Map<string, number[]>>;

  constructor(items: readonly LabelledItem[], options: EpisodeSamplerOptions) {
    const { ways, shots, queries, seed } = options;
    for (const [name, v, min] of [
      ['ways', ways, 1],
      ['shots', shots, 1],
      ['queries', queries, 1],
    ] as const) {
      if (!Number.isInteger(v) || v < min)
        throw new FewbeatError(`episode ${name} must be an integer >= ${min}, got ${v}`);
    }
    this.byClass = new Map();
    items.forEach((item, index) => {
      let patients = this.byClass.get(item.label);
      if (!patients) this.byClass.set(item.label, (patients = new Map()));
      const list = patients.get(item.patientId);
      if (list) list.push(index);
      else patients.set(item.patientId, [index]);
    });
    const pool = options.classes ? [...options.classes] : [...this.byClass.keys()].sort();
    if (pool.length < ways) {
      throw new FewbeatError(
        `${ways}-way episodes need ${ways} classes but the pool has ${pool.length} (${pool.join(', ') || 'none'})`,
      );
    }
    const need = shots + queries;
    for (const c of pool) {
      const have = this.byClass.get(c)?.size ?? 0;
      if (have < need) {
        throw new FewbeatError(
          `class ${c} has ${have} patient${have === 1 ? '' : 's'} but ${shots}-shot + ${queries}-query needs ${need}`,
        );
      }
    }
    this.classes = pool;
    this.shape = { ways, shots, queries };
    this.seed = seed >>> 0;
    this.patientWeight = options.patientWeight;
  }

  /** Episode number `index` of this sampler's stream (same seed and index, same episode). */
  episode(index: number): Episode {
    const rng = new Rng((this.seed ^ Math.imul(index + 1, 0x9e3779b1)) >>> 0);
    const { ways, shots, queries } = this.shape;
    const classes = rng.shuffle([...this.classes]).slice(0, ways);
    const used = new Set<string>();
    const picks: Array<{ support: number[]; query: number[] }> = new Array(classes.length);
    // Children may carry several classes (a real record holds sinus and AF windows): give the
    // scarcest class its children first, so that a feasible episode is never refused.
    const order = classes
      .map((_c, k) => k)
      .sort((a, b) => this.patientCount(classes[a] as string) - this.patientCount(classes[b] as string) || a - b);
    for (const k of order) {
      const c = classes[k] as string;
      const patients = this.byClass.get(c) as Map<string, number[]>;
      const free = [...patients.keys()].filter((p) => !used.has(p));
      if (free.length < shots + queries) {
        // Only possible when patients carry several classes; the constructor checked each class alone.
        throw new FewbeatError(
          `episode ${index}: class ${c} has ${free.length} patients left after the other ` +
            `classes took theirs, needs ${shots + queries}`,
        );
      }
      const chosen = this.draw(free, shots + queries, rng);
      for (const p of chosen) used.add(p);
      const recordingOf = (p: string): number => rng.pick(patients.get(p) as number[]);
      picks[k] = { support: chosen.slice(0, shots).map(recordingOf), query: chosen.slice(shots).map(recordingOf) };
    }
    const episode: Episode = { index, classes, support: [], supportLabels: [], query: [], queryLabels: [] };
    picks.forEach((p, k) => {
      episode.support.push(...p.support);
      episode.supportLabels.push(...p.support.map(() => k));
      episode.query.push(...p.query);
      episode.queryLabels.push(...p.query.map(() => k));
    });
    return episode;
  }

  /** `count` of the free patients, in draw order: uniform, or weighted by `patientWeight` (class doc comment). */
  private draw(free: string[], count: number, rng: Rng): string[] {
    const weight = this.patientWeight;
    if (!weight) return rng.shuffle(free).slice(0, count);
    const keyed = free.map((p) => ({ p, key: Math.log(1 - rng.next()) / weight(p) }));
    return keyed
      .sort((a, b) => b.key - a.key)
      .slice(0, count)
      .map((k) => k.p);
  }

  /** Number of distinct children with a recording of class `c`. */
  private patientCount(c: string): number {
    return this.byClass.get(c)?.size ?? 0;
  }

  /** Episodes `start .. start + count - 1`. */
  episodes(count: number, start = 0): Episode[] {
    return Array.from({ length: count }, (_, i) => this.episode(start + i));
  }
}
