import type { Command } from 'commander';
import { UsageError } from '../../errors.js';
import { FULL_DEMO, QUICK_DEMO, runDemo } from '../../eval/run/demo-run.js';
import { ABLATIONS } from '../../eval/run/ablations.js';
import { initBackend } from '../../runtime/backend.js';
import { emit, parseNumberOption } from '../output.js';
import { progressBars } from './demo.js';
import { summaryTable } from './eval.js';
import { ENGINE_HELP, parseClassList, parseEngine, parseWorkers, WORKERS_HELP } from './train.js';

export function register(program: Command): void {
  program
    .command('ablate')
    .description(
      "train every ablation with the demo's budget, seed and episodes, and add the ablation table to DIR/report",
    )
    .option('--out <dir>', 'demo folder (reuses its cohort and models)', 'fewbeat-demo')
    .option('--quick', "the quick demo's budget")
    .option('--variants <list>', `comma-separated subset of the ablations (${ABLATIONS.map((a) => a.name).join(', ')})`)
    .option('--seed <n>', "seed (the demo's)", '1')
    .option('--workers <n>', WORKERS_HELP)
    .option('--engine <name>', ENGINE_HELP)
    .option('--targets', "check the run against fewbeat's own targets in the report (default cohort, novel 5-shot)")
    .option('--json', 'print metrics.json instead of the table')
    .action(
      async (opts: {
        out: string;
        quick?: boolean;
        variants?: string;
        seed: string;
        workers?: string;
        engine?: string;
        targets?: boolean;
        json?: boolean;
      }) => {
        const seed = parseNumberOption('--seed', opts.seed, { integer: true, min: 0 });
        const workers = parseWorkers(opts.workers);
        const engine = parseEngine(opts.engine);
        const ablationNames = parseClassList(opts.variants);
        const unknown = (ablationNames ?? []).filter((n) => !ABLATIONS.some((a) => a.name === n));
        if (unknown.length > 0)
          throw new UsageError(
            `option --variants: unknown ablation ${unknown[0]} (known: ${ABLATIONS.map((a) => a.name).join(', ')})`,
          );
        await initBackend();
        const { metrics, seconds } = await runDemo({
          out: opts.out,
          budget: opts.quick ? QUICK_DEMO : FULL_DEMO,
          seed,
          ablations: true,
          reuse: true,
          ...(ablationNames ? { ablationNames } : {}),
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
            `${summaryTable(m)}\n\nablations finished in ${seconds.toFixed(0)} ` +
            `s: report in ${opts.out}/report/report.html`,
        );
      },
    );
}
