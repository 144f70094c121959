import { FewbeatError } from '../../errors.js';

/**
 * Sample indices grouped by equal score, groups in decreasing score order. Computed once, it lets
 * {@link aurocOfTieGroups} re-weight the samples (e.g. bootstrap resamples) without sorting again.
 */
export function tieGroups(scores: readonly number[]): number[][] {
  const bad = scores.findIndex((s) => !Number.isFinite(s));
  if (bad >= 0)
    throw new FewbeatError(`score ${String(scores[bad])} is not a finite number`, { location: `scores[${bad}]` });
  const order = scores.map((_, i) => i).sort((a, b) => (scores[b] as number) - (scores[a] as number));
  const groups: number[][] = [];
  let previous = Number.NaN;
  for (const i of order) {
    if (scores[i] === previous) (groups[groups.length - 1] as number[]).push(i);
    else groups.push([i]);
    previous = scores[i] as number;
  }
  return groups;
}
