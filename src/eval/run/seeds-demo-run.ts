import { join } from 'node:path';
import { FewbeatError } from '../../errors.js';
import type { SeedsMetricsJson } from '../metrics/seeds-metrics-schema.js';
import { seedsMetrics } from '../metrics/seeds-metrics.js';
import { writeSeedsReport } from '../report/write-seeds-report.js';
import { runDemo, type DemoOptions } from './demo-run.js';
import type { RunMetrics } from './evaluate.js';

/** Folders of a demo over several seeds: one demo folder per seed, and the side-by-side report. */
export const seedsDemoPaths = (out: string) => ({
  /** the demo folder of one seed: its cohort, model, baselines, ablations and report */
  seed: (seed: number) => join(out, `seed-${seed}`),
  /** report.html (seeds side by side) and metrics-across-seeds.json */
  report: join(out, 'report'),
});

/** Options of {@link runSeedsDemo}: those of one demo, with seeds in place of the seed. */
export interface SeedsDemoOptions extends Omit<DemoOptions, 'seed'> {
  /** at least two distinct seeds, in the order to report them */
  seeds: readonly number[];
}

/** What {@link runSeedsDemo} measured. */
export interface SeedsDemoResult {
  perSeed: Array<{ seed: number; metrics: RunMetrics; seconds: number }>;
  metrics: SeedsMetricsJson;
  seconds: number;
}

/**
 * The demo on several seeds: for each seed the whole demo ({@link runDemo}) in `out/seed-<n>`, its
 * own synthetic cohort (synthesised with that seed), training runs, evaluation episodes and full
 * report; then the seeds side by side in `out/report` (report.html and metrics-across-seeds.json,
 * see {@link seedsMetrics} for the statistics). Seeds run one after the other, each with the whole
 * machine; with `reuse` a seed whose models exist is only evaluated again, so an interrupted run
 * continues where it stopped.
 */
export async function runSeedsDemo(o: SeedsDemoOptions): Promise<SeedsDemoResult> {
  const seeds = o.seeds;
  if (seeds.length < 2 || new Set(seeds).size !== seeds.length || !seeds.every((s) => Number.isInteger(s) && s >= 0))
    throw new FewbeatError(`seeds must be at least two distinct integers ≥ 0, got ${seeds.join(',')}`, {
      location: 'runSeedsDemo',
    });
  const started = performance.now();
  const paths = seedsDemoPaths(o.out);
  const perSeed: SeedsDemoResult['perSeed'] = [];
  for (const [i, seed] of seeds.entries()) {
    const out = paths.seed(seed);
    o.log(`seed ${seed} (${i + 1} of ${seeds.length}) -> ${out}`);
    const run = await runDemo({ ...o, out, seed });
    perSeed.push({ seed, metrics: run.metrics, seconds: run.seconds });
  }
  const metrics: SeedsMetricsJson = {
    ...seedsMetrics(perSeed),
    per_seed_reports: seeds.map((seed) => ({
      seed,
      metrics: `../seed-${seed}/report/metrics.json`,
      report: `../seed-${seed}/report/report.html`,
    })),
  };
  const seconds = (performance.now() - started) / 1000;
  const written = writeSeedsReport(
    metrics,
    {
      createdAt: new Date().toISOString(),
      command: o.command,
      durationSeconds: seconds,
      seedSeconds: perSeed.map((r) => ({ seed: r.seed, seconds: r.seconds })),
    },
    paths.report,
  );
  o.log(`results across seeds ${seeds.join(', ')}: ${written.html}, ${written.metrics}`);
  return { perSeed, metrics, seconds };
}
