import { FewbeatError } from '../../errors.js';
import { Rng } from '../../util/rng.js';

/** One item of a few-shot pool: its class index and its patient. */
export interface PoolItem {
  label: number;
  patientId: string;
}

/** One episode: indices into the pool. */
export interface DisjointEpisode {
  support: number[];
  supportLabels: number[];
  queries: number[];
  queryLabels: number[];
}

/**
 * Few-shot episodes whose support and query sets never share a patient, for pools with few
 * patients per class (real rhythm windows: four patients with atrial fibrillation among the
 * shared MIT-BIH records, many windows each). For every class and episode, the class's patients are
 * shuffled and split in two halves (the support half ⌈P/2⌉ patients); `shots` support windows are
 * drawn without replacement from the support half and `queries` from the other half. A class needs
 * two patients, and enough windows in each half.
 */
export function patientDisjointEpisodes(
  pool: readonly PoolItem[],
  nClasses: number,
  opts: { shots: number; queries: number; episodes: number; seed: number; classNames?: readonly string[] },
): DisjointEpisode[] {
  const name = (c: number): string => opts.classNames?.[c] ?? `class ${c}`;
  const byClass = Array.from({ length: nClasses }, (_, c) => {
    const patients = new Map<string, number[]>();
    pool.forEach((item, i) => {
      if (item.label !== c) return;
      const list = patients.get(item.patientId) ?? [];
      list.push(i);
      patients.set(item.patientId, list);
    });
    if (patients.size < 2)
      throw new FewbeatError(
        `${name(c)} has ${patients.size} ` +
          `patient${patients.size === 1 ? '' : 's'}: patient-disjoint support ` +
          `and query sets need two`,
      );
    return [...patients.entries()].sort((a, b) => a[0].localeCompare(b[0]));
  });
  const rng = new Rng(opts.seed);
  const out: DisjointEpisode[] = [];
  for (let e = 0; e < opts.episodes; e++) {
    const episode: DisjointEpisode = { support: [], supportLabels: [], queries: [], queryLabels: [] };
    byClass.forEach((patients, c) => {
      for (let attempt = 0; ; attempt++) {
        const order = rng.shuffle([...patients]);
        const half = Math.ceil(order.length / 2);
        const supportPool = order.slice(0, half).flatMap(([, items]) => items);
        const queryPool = order.slice(half).flatMap(([, items]) => items);
        if (supportPool.length >= opts.shots && queryPool.length >= opts.queries) {
          const s = rng.shuffle([...supportPool]).slice(0, opts.shots);
          const q = rng.shuffle([...queryPool]).slice(0, opts.queries);
          episode.support.push(...s);
          episode.supportLabels.push(...s.map(() => c));
          episode.queries.push(...q);
          episode.queryLabels.push(...q.map(() => c));
          return;
        }
        if (attempt >= 100)
          throw new FewbeatError(
            `${name(c)}: no split of its ${patients.length} patients leaves ` +
              `${opts.shots} support and ${opts.queries} query windows`,
          );
      }
    });
    out.push(episode);
  }
  return out;
}
