import type { Command } from 'commander';
import { FULL_DEMO, QUICK_DEMO, runDemo } from '../../eval/run/demo-run.js';
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
    .option('--workers <n>', WORKERS_HELP)
    .option('--engine <name>', ENGINE_HELP)
    .option('--targets', "check the run against fewbeat's own targets in the report (default cohort, novel 5-shot)")
    .option('--json', 'print metrics.json instead of the table')
    .action(
      async (opts: {
        out: string;
        quick?: boolean;
        withAblations?: boolean;
        reuse?: boolean;
        seed: string;
        workers?: string;
        engine?: string;
        targets?: boolean;
        json?: boolean;
      }) => {
        const seed = parseNumberOption('--seed', opts.seed, { integer: true, min: 0 });
        const workers = parseWorkers(opts.workers);
        const engine = parseEngine(opts.engine);
        await initBackend();
        const { metrics, seconds } = await runDemo({
          out: opts.out,
          budget: opts.quick ? QUICK_DEMO : FULL_DEMO,
          seed,
          ablations: !!opts.withAblations,
          reuse: !!opts.reuse,
          ...(workers === undefined ? {} : { workers }),
          ...(engine === undefined ? {} : { engine }),
          targets: !!opts.targets,
          command: `fewbeat ${process.argv.slice(2).join(' ')}`.trim(),
          log: (line) => process.stderr.write(`${line}\n`),
          progress: progressBars,
        });
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
