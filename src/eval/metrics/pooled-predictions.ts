import { FewbeatError } from '../../errors.js';
import { assertProbabilityRows } from './probability-rows.js';

/**
 * One query's prediction in one episode: the input every pooled metric starts from.
 * The classifier outputs probabilities over the episode's own N classes (episode-local order).
 */
export interface QueryPrediction {
  /** episode index (the same index for the same episode across variants, for paired comparisons) */
  episode: number;
  /** true class id (global name from data/classes.json, e.g. `svt`) */
  trueClass: string;
  /** the episode's class ids, in the order of `probabilities` */
  episodeClasses: readonly string[];
  /** p(class | query) over `episodeClasses`, summing to 1 */
  probabilities: readonly number[];
  /** age band id of the child (src/clinical/age-bands.ts); missing or null counts as `unknown` */
  ageBand?: string | null | undefined;
}

/**
 * Query predictions mapped from episode-local classes onto one global class list (index k ↔
 * `classes[k]`), ready for the metric functions.
 */
export interface PooledPredictions {
  classes: string[];
  /** global index of each query's true class, length N */
  yTrue: number[];
  /**
   * global index of each query's predicted class: the arg-max over
   * its episode's classes (first maximum on ties, in episode order)
   */
  yPred: number[];
  /** the probability of the predicted class (row maximum, capped at 1), length N */
  confidence: number[];
  /** N×K: p(class k | query), 0 for classes outside the query's episode */
  scores: number[][];
  /** N×K: was class k one of the query's episode classes */
  inEpisode: boolean[][];
  /** the episode-local probability rows and true indices (for log loss, Brier score) */
  localRows: (readonly number[])[];
  localTrue: number[];
  episodes: number[];
  ageBands: string[];
}

/** The age band recorded for queries without one. */
export const UNKNOWN_AGE_BAND = 'unknown';

/**
 * Maps query predictions onto the global class list `classes` (default: every class seen in any
 * episode, in order of first appearance). Throws a FewbeatError naming the query when a true
 * class is not among its episode's classes, a class is missing from `classes`, or probabilities
 * are malformed.
 */
export function poolPredictions(
  predictions: readonly QueryPrediction[],
  classes?: readonly string[],
): PooledPredictions {
  const globalClasses = classes ? [...classes] : classesInOrderOfAppearance(predictions);
  const index = new Map(globalClasses.map((c, k) => [c, k]));
  if (index.size !== globalClasses.length)
    throw new FewbeatError('the class list names a class twice', { location: 'poolPredictions' });
  const k = globalClasses.length;
  const pooled: PooledPredictions = {
    classes: globalClasses,
    yTrue: [],
    yPred: [],
    confidence: [],
    scores: [],
    inEpisode: [],
    localRows: [],
    localTrue: [],
    episodes: [],
    ageBands: [],
  };
  predictions.forEach((q, i) => {
    const where = `query ${i} (episode ${q.episode})`;
    if (!Number.isInteger(q.episode) || q.episode < 0)
      throw new FewbeatError(`episode index ${q.episode} is not a non-negative integer`, { location: where });
    if (q.probabilities.length !== q.episodeClasses.length) {
      throw new FewbeatError(
        `has ${q.probabilities.length} probabilities for ${q.episodeClasses.length} episode classes`,
        { location: where },
      );
    }
    try {
      assertProbabilityRows([q.probabilities]);
    } catch (e) {
      throw new FewbeatError(e instanceof FewbeatError ? e.reason : String(e), { location: where });
    }
    const localTrue = q.episodeClasses.indexOf(q.trueClass);
    if (localTrue < 0)
      throw new FewbeatError(
        `true class '${q.trueClass}' is not one of the episode's classes (${q.episodeClasses.join(', ')})`,
        { location: where },
      );
    const row = new Array<number>(k).fill(0);
    const member = new Array<boolean>(k).fill(false);
    let best = 0;
    q.episodeClasses.forEach((c, j) => {
      const g = index.get(c);
      if (g === undefined)
        throw new FewbeatError(`episode class '${c}' is not in the class list (${globalClasses.join(', ')})`, {
          location: where,
        });
      if (member[g]) throw new FewbeatError(`episode names class '${c}' twice`, { location: where });
      row[g] = q.probabilities[j] as number;
      member[g] = true;
      if ((q.probabilities[j] as number) > (q.probabilities[best] as number)) best = j;
    });
    pooled.yTrue.push(index.get(q.trueClass) as number);
    pooled.yPred.push(index.get(q.episodeClasses[best] as string) as number);
    pooled.confidence.push(Math.min(1, q.probabilities[best] as number)); // float rounding may overshoot 1
    pooled.scores.push(row);
    pooled.inEpisode.push(member);
    pooled.localRows.push(q.probabilities);
    pooled.localTrue.push(localTrue);
    pooled.episodes.push(q.episode);
    pooled.ageBands.push(q.ageBand ?? UNKNOWN_AGE_BAND);
  });
  return pooled;
}

/** The queries at `indices`, as a pooled set over the same class list. */
export function subsetPooled(pooled: PooledPredictions, indices: readonly number[]): PooledPredictions {
  const pick = <T>(xs: readonly T[]): T[] => indices.map((i) => xs[i] as T);
  return {
    classes: pooled.classes,
    yTrue: pick(pooled.yTrue),
    yPred: pick(pooled.yPred),
    confidence: pick(pooled.confidence),
    scores: pick(pooled.scores),
    inEpisode: pick(pooled.inEpisode),
    localRows: pick(pooled.localRows),
    localTrue: pick(pooled.localTrue),
    episodes: pick(pooled.episodes),
    ageBands: pick(pooled.ageBands),
  };
}

function classesInOrderOfAppearance(predictions: readonly QueryPrediction[]): string[] {
  const seen = new Set<string>();
  for (const q of predictions) for (const c of q.episodeClasses) seen.add(c);
  return [...seen];
}
