import type { PreparedCohort } from '../../data/prepare-cohort.js';
import type { Example } from '../../data/dataset.js';
import { EpisodeSampler, type Episode, type EpisodeShape } from '../../data/episode-sampler.js';
import { FewbeatError } from '../../errors.js';
import { feasibleShape } from '../../train/model-selection.js';

/** One evaluation setting: a fixed list of episodes over a pool, shared by every method (paired). */
export interface EvaluationSetting {
  /** `novel` (held-out classes only) or `generalised` (held-out base-class test patients mixed with novel classes). */
  split: 'novel' | 'generalised';
  shape: EpisodeShape;
  classes: string[];
  pool: Example[];
  episodes: Episode[];
}

export interface SettingsOptions {
  ways: number;
  /** One novel setting per shot count (default 1 and 5). */
  shots: readonly number[];
  queries: number;
  episodes: number;
  seed: number;
  /** Add the generalised base + novel setting at the largest shot count. @default true */
  generalised?: boolean;
  /** Restrict the novel pool to these classes (`--classes`). */
  classes?: readonly string[] | undefined;
}

/**
 * The evaluation settings of a run (Snell et al. 2017 protocol; ≥ 600 episodes, docs/method.md):
 * N-way K-shot Q-query episodes over the novel classes for each K, and a generalised setting
 * whose pool mixes the base-class *test* patients with the novel-class children (at the largest K,
 * with Q lowered until at least two base classes have K + Q test patients). Support and
 * query children are disjoint within every episode (the sampler's guarantee); novel-class children
 * never took part in meta-training (see splitPatients).
 */
export function evaluationSettings(prepared: PreparedCohort, o: SettingsOptions): EvaluationSetting[] {
  const wanted = o.classes ? new Set(o.classes) : null;
  const novelPool = prepared.parts.novel.filter((e) => !wanted || wanted.has(e.label));
  const novelClasses = [...new Set(novelPool.map((e) => e.label))].sort();
  if (novelClasses.length < 2)
    throw new FewbeatError(
      `few-shot evaluation needs at least 2 novel classes, the cohort ` +
        `gives ${novelClasses.length} (${novelClasses.join(', ') || 'none'})`,
    );
  const ways = Math.min(o.ways, novelClasses.length);
  const settings: EvaluationSetting[] = o.shots.map((shots, k) => {
    const sampler = new EpisodeSampler(novelPool, {
      ways,
      shots,
      queries: o.queries,
      classes: novelClasses,
      seed: o.seed + 1000 * (k + 1),
    });
    return {
      split: 'novel',
      shape: sampler.shape,
      classes: novelClasses,
      pool: novelPool,
      episodes: sampler.episodes(o.episodes),
    };
  });
  if (o.generalised ?? true) {
    // Base test patients are few per class: lower Q until at least two base classes can take part.
    const pool = [...prepared.parts.test, ...novelPool];
    const shots = Math.max(...o.shots);
    const base = new Set(prepared.classes.base);
    for (let queries = o.queries; queries >= 1; queries--) {
      const feasible = feasibleShape(pool, { ways: o.ways, shots, queries });
      if (!feasible || feasible.shape.shots !== shots || feasible.shape.queries !== queries) continue;
      if (feasible.classes.filter((c) => base.has(c)).length < 2 && queries > 1) continue;
      const sampler = new EpisodeSampler(pool, { ...feasible.shape, classes: feasible.classes, seed: o.seed + 99_000 });
      settings.push({
        split: 'generalised',
        shape: sampler.shape,
        classes: feasible.classes,
        pool,
        episodes: sampler.episodes(o.episodes),
      });
      break;
    }
  }
  return settings;
}
