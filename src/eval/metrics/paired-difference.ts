import { FewbeatError } from '../../errors.js';
import { meanCi95, type MeanCi } from './mean-ci.js';

/**
 * Paired difference over the same episodes, full minus ablated:
 *
 *     d_e = full_e − ablated_e,   mean(d) ± 1.96 · sd(d) / √E   (sd with ddof = 1).
 *
 * Pairing removes the episode-to-episode difficulty that both variants share, so the interval is
 * much narrower than the difference of two unpaired intervals. A CI that excludes 0 means the
 * ablated part helps (positive) or hurts (negative).
 *
 * @param full per-episode value of the full model, keyed by episode index
 * @param ablated per-episode value of the ablated variant, keyed by the same episode indices
 */
export function pairedDifferenceCi95(full: ReadonlyMap<number, number>, ablated: ReadonlyMap<number, number>): MeanCi {
  const differences: number[] = [];
  for (const [episode, value] of full) {
    const other = ablated.get(episode);
    if (other === undefined)
      throw new FewbeatError(
        `episode ${episode} has a full-model result but no ablated one; pairs need the same episodes`,
        { location: 'pairedDifferenceCi95' },
      );
    differences.push(value - other);
  }
  if (ablated.size !== full.size) {
    const extra = [...ablated.keys()].find((e) => !full.has(e));
    throw new FewbeatError(
      `episode ${String(extra)} has an ablated result but no full-model one; pairs need the same episodes`,
      { location: 'pairedDifferenceCi95' },
    );
  }
  return meanCi95(differences);
}
