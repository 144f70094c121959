import type { Command } from 'commander';
import { UsageError } from '../../errors.js';
import type { AcrossSeedsJson, SeedsMetricsJson } from '../../eval/metrics/seeds-metrics-schema.js';
import { FULL_DEMO, QUICK_DEMO, runDemo } from '../../eval/run/demo-run.js';
import { runSeedsDemo, seedsDemoPaths } from '../../eval/run/seeds-demo-run.js';
import { initBackend } from '../../runtime/backend.js';
import { trainingProgressBar } from '../../train/progress-bar.js';
import { emit, parseNumberOption } from '../output.js';
import { summaryTable } from './eval.js';
import { ENGINE_HELP, parseEngine, parseWorkers, WORKERS_HELP } from './train.js';

/** A progress bar per training run, on stderr. */
export function progressBars(label: string, total: number) {
  const bar = trainingProgressBar(total, label);
  return { onStep: bar.update, stop: bar.stop };
}

/**
 * `--seeds 1,2,3`: at least two distinct integers ≥ 0, comma-separated (spaces allowed), or a
 * UsageError naming the option and what is wrong in one line.
 */
export function parseSeedList(raw: string): number[] {
  const example = 'a comma-separated list of at least two integers ≥ 0 such as 1,2,3';
  const parts = raw.split(',').map((p) => p.trim());
  const bad = parts.find((p) => !/^\d+$/.test(p) || !Number.isSafeInteger(Number(p)));
  if (bad !== undefined)
    throw new UsageError(`option --seeds: '${bad}' in '${raw}' is not an integer ≥ 0 (expected ${example})`);
  const seeds = parts.map(Number);
  const repeated = seeds.find((s, i) => seeds.indexOf(s) !== i);
  if (repeated !== undefined) throw new UsageError(`option --seeds: seed ${repeated} appears twice in '${raw}'`);
  if (seeds.length < 2)
    throw new UsageError(
      `option --seeds: '${raw}' names one seed; results across seeds need at least two (for one seed use --seed)`,
    );
  return seeds;
}

/** The run across seeds as text: every seed side by side with its episode CI, the spread, the pooled differences. */
export function seedsSummaryTable(m: SeedsMetricsJson): string {
  const ci = (e: { mean: number; ci95: readonly [number, number] }, sign = false): string => {
    const f = (x: number): string => (sign && x >= 0 ? '+' : '') + x.toFixed(3);
    return `${f(e.mean)} [${f(e.ci95[0])}, ${f(e.ci95[1])}]`;
  };
  const spread = (a: AcrossSeedsJson): string =>
    `${a.mean.toFixed(3)} ± ${a.sd.toFixed(3)}  ${a.min.toFixed(3)}–${a.max.toFixed(3)}`;
  const settingName = (s: { split: string; ways: number; shots: number }): string =>
    `${s.split} ${s.ways}-way ${s.shots}-shot`.padEnd(24);
  const same = (s: { split: string; ways: number; shots: number }) => (c: typeof s) =>
    c.split === s.split && c.ways === s.ways && c.shots === s.shots;
  const seedColumns = m.seeds.map((s) => `seed ${s} (95% CI, episodes)`.padEnd(26)).join(' ');
  const lines = [
    `episode accuracy per seed (each its own cohort, training and episodes) and across seeds (mean ± SD, min–max)`,
    `${'setting'.padEnd(24)} ${'method'.padEnd(24)} ${seedColumns} across seeds`,
  ];
  for (const s of m.settings) {
    lines.push(
      `${settingName(s)} ${'full model'.padEnd(24)} ` +
        `${s.per_seed.map((r) => ci(r.episode_accuracy).padEnd(26)).join(' ')} ` +
        `${spread(s.across_seeds.episode_accuracy)}`,
    );
    for (const c of [...m.baselines, ...m.ablations].filter(same(s)))
      lines.push(
        `${''.padEnd(24)} ${c.name.padEnd(24)} ` +
          `${c.per_seed.map((r) => ci(r.episode_accuracy).padEnd(26)).join(' ')} ` +
          `${spread(c.across_seeds.episode_accuracy)}`,
      );
  }
  lines.push(
    '',
    'paired difference full − method per seed (95% CI over episodes) and pooled (mean of per-seed differences, ' +
      '95% CI across seeds: t, S−1 df)',
  );
  for (const s of m.settings)
    for (const c of [...m.baselines, ...m.ablations].filter(same(s))) {
      const p = c.pooled_difference_vs_full;
      lines.push(
        `${settingName(s)} ${c.name.padEnd(24)} ` +
          `${c.per_seed.map((r) => ci(r.difference_vs_full, true).padEnd(26)).join(' ')} ` +
          `pooled ${ci(p, true)}, CI above 0 on ${p.seeds_with_ci_above_zero} of ${p.n} seeds`,
      );
    }
  if (m.left_out.length > 0) lines.push('', `not in every seed, left out: ${m.left_out.join('; ')}`);
  return lines.join('\n');
}

export function register(program: Command): void {
  program
    .command('demo')
    .description(
      'synthesise the default cohort, meta-train on base classes, evaluate ' +
        '1- and 5-shot on novel classes with baselines, write DIR/model and DIR/report',
    )
    .option('--out <dir>', 'output folder', 'fewbeat-demo')
    .option('--quick', 'small cohort and budget: every stage in under two minutes (smoke test)')
    .option('--with-ablations', 'also train and evaluate every ablation (as fewbeat ablate)')
    .option(
      '--reuse',
      'keep the cohort and models already in --out (and resume their checkpoints); train only what is missing',
    )
    .option('--seed <n>', 'seed of cohort, training and episodes', '1')
    .option(
      '--seeds <list>',
      'run the demo once per seed (e.g. 1,2,3), each in DIR/seed-<n>, and report the seeds side by side ' +
        'in DIR/report (mean, SD and min–max across seeds; paired differences per seed and pooled)',
    )
    .option('--workers <n>', WORKERS_HELP)
    .option('--engine <name>', ENGINE_HELP)
    .option('--targets', "check the run against fewbeat's own targets in the report (default cohort, novel 5-shot)")
    .option('--json', 'print metrics.json instead of the table')
    .action(
      async (
        opts: {
          out: string;
          quick?: boolean;
          withAblations?: boolean;
          reuse?: boolean;
          seed: string;
          seeds?: string;
          workers?: string;
          engine?: string;
          targets?: boolean;
          json?: boolean;
        },
        command: Command,
      ) => {
        const seed = parseNumberOption('--seed', opts.seed, { integer: true, min: 0 });
        const seeds = opts.seeds === undefined ? undefined : parseSeedList(opts.seeds);
        if (seeds && command.getOptionValueSource('seed') === 'cli')
          throw new UsageError('options --seed and --seeds: give one of them (--seeds runs every seed it lists)');
        const workers = parseWorkers(opts.workers);
        const engine = parseEngine(opts.engine);
        await initBackend();
        const options = {
          out: opts.out,
          budget: opts.quick ? QUICK_DEMO : FULL_DEMO,
          ablations: !!opts.withAblations,
          reuse: !!opts.reuse,
          ...(workers === undefined ? {} : { workers }),
          ...(engine === undefined ? {} : { engine }),
          targets: !!opts.targets,
          command: `fewbeat ${process.argv.slice(2).join(' ')}`.trim(),
          log: (line: string) => process.stderr.write(`${line}\n`),
          progress: progressBars,
        };
        if (seeds) {
          const run = await runSeedsDemo({ ...options, seeds });
          emit(
            run.metrics,
            opts,
            (m) =>
              `${seedsSummaryTable(m)}\n\ndemo on seeds ${seeds.join(', ')} finished in ` +
              `${run.seconds.toFixed(0)} s: each seed in ${opts.out}/seed-<n>, the seeds side by side in ` +
              `${seedsDemoPaths(opts.out).report}/report.html`,
          );
          return;
        }
        const { metrics, seconds } = await runDemo({ ...options, seed });
        emit(
          metrics,
          opts,
          (m) =>
            `${summaryTable(m)}\n\ndemo finished in ${seconds.toFixed(0)} s: ` +
            `model in ${opts.out}/model, report in ${opts.out}/report/report.html`,
        );
      },
    );
}
