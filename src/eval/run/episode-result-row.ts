import type { EpisodeResult } from './af-vs-sinus.js';

/** The header of {@link episodeResultRow}'s table, its first column `width` characters wide. */
export function episodeResultHeader(first: string, width: number): string {
  return `${first.padEnd(width)} episode acc (95% CI)      bal.acc`;
}

/** One method's table row: name, mean episode accuracy [95 % CI], pooled balanced accuracy. */
export function episodeResultRow(m: EpisodeResult, width: number): string {
  const ci = m.episode_accuracy;
  return (
    `${m.method.padEnd(width)} ` +
    `${`${ci.mean.toFixed(3)} [${ci.ci95[0].toFixed(3)}, ${ci.ci95[1].toFixed(3)}]`.padEnd(25)} ` +
    `${m.balanced_accuracy.toFixed(3)}`
  );
}
