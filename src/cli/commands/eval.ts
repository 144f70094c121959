import type { Command } from 'commander';
import { readCohort } from '../../io/manifest/index.js';
import { runEvaluation, reportData } from '../../eval/run/run-evaluation.js';
import { writeReport } from '../../eval/report/write-report.js';
import type { RunMetrics } from '../../eval/run/evaluate.js';
import { initBackend } from '../../runtime/backend.js';
import { readModelDir } from '../../model-dir/model-dir.js';
import { loadEcg } from '../../io/load-ecg.js';
import { emit, parseNumberOption } from '../output.js';
import { STRICT_HELP, stderrWarner } from '../warnings.js';
import { loadPrepared, parseClassList } from './train.js';

/** One row per setting and method: the summary table `eval` and `demo` print. */
export function summaryTable(m: RunMetrics): string {
  const lines = [
    'setting                     method                     episode acc (95% CI)      bal.acc  AUROC   F1',
  ];
  const fmt = (x: number | null | undefined): string => (typeof x === 'number' ? x.toFixed(3) : '  n/a');
  const ci = (e: { mean: number; ci95: readonly [number, number] }): string =>
    `${e.mean.toFixed(3)} [${e.ci95[0].toFixed(3)}, ${e.ci95[1].toFixed(3)}]`;
  for (const s of m.settings) {
    const name = `${s.split} ${s.ways}-way ${s.shots}-shot`.padEnd(27);
    lines.push(
      `${name} ${'full model'.padEnd(26)} ` +
        `${ci(s.episode_accuracy).padEnd(25)} ${fmt(s.balanced_accuracy)}    ` +
        `${fmt(s.auroc_macro)}   ${fmt(s.f1_macro)}`,
    );
    for (const b of [...m.baselines, ...m.ablations].filter(
      (x) => x.split === s.split && x.shots === s.shots && x.ways === s.ways,
    )) {
      lines.push(
        `${''.padEnd(27)} ${b.name.padEnd(26)} ` +
          `${ci(b.episode_accuracy).padEnd(25)} ${fmt(b.balanced_accuracy)}    ` +
          `${fmt(b.auroc_macro ?? null)}   ` +
          `${fmt((b as { f1_macro?: number }).f1_macro)}`,
      );
    }
  }
  return lines.join('\n');
}

export function register(program: Command): void {
  program
    .command('eval')
    .description(
      'few-shot evaluation of a trained model on novel classes (and base + ' +
        'novel), with baselines, metrics.json and report.html',
    )
    .requiredOption('--model <dir>', 'model directory written by fewbeat train')
    .requiredOption('--manifest <dir>', 'cohort folder')
    .requiredOption('--out <dir>', 'report directory to write (metrics.json, report.html)')
    .option('--classes <list>', "comma-separated novel classes to evaluate (default: the model's novel classes)")
    .option('--ways <n>', 'classes per episode', '5')
    .option('--shots <n>', 'support examples per class (default: 1 and 5)')
    .option('--queries <n>', 'query examples per class', '10')
    .option('--episodes <n>', 'episodes per setting', '600')
    .option('--seed <n>', 'seed of the evaluation episodes', '7')
    .option('--no-handcrafted', 'skip the handcrafted-features baseline')
    .option('--strict', STRICT_HELP)
    .option('--json', 'print metrics.json instead of the table')
    .action(
      async (opts: {
        model: string;
        manifest: string;
        out: string;
        classes?: string;
        ways: string;
        shots?: string;
        queries: string;
        episodes: string;
        seed: string;
        handcrafted: boolean;
        strict?: boolean;
        json?: boolean;
      }) => {
        const started = performance.now();
        const ways = parseNumberOption('--ways', opts.ways, { integer: true, min: 2 });
        const shots =
          opts.shots === undefined ? [1, 5] : [parseNumberOption('--shots', opts.shots, { integer: true, min: 1 })];
        const queries = parseNumberOption('--queries', opts.queries, { integer: true, min: 1 });
        const episodes = parseNumberOption('--episodes', opts.episodes, { integer: true, min: 1 });
        const seed = parseNumberOption('--seed', opts.seed, { integer: true, min: 0 });
        await initBackend();
        const trained = readModelDir(opts.model);
        const onWarning = stderrWarner();
        try {
          const present = new Set(readCohort(opts.manifest).rows.flatMap((r) => r.labels));
          const classes = parseClassList(opts.classes);
          // Classes named with --classes are evaluated as novel here even when the model met them as base
          // classes in its training cohort: that is cross-domain few-shot (e.g. a model trained on the
          // synthetic cohort, evaluated on real MIT-BIH rhythms), and the report says which classes they are.
          const prepared = loadPrepared(opts.manifest, trained.spec, {
            base: trained.extra.classes.base.filter((c) => present.has(c) && !(classes ?? []).includes(c)),
            novel: (classes ?? trained.extra.classes.novel).filter((c) => present.has(c)),
            seed: trained.model.seed,
            minBase: 0,
            loadRecord: (row) => loadEcg(row.recordPath, { window: row.window, strict: opts.strict, onWarning }),
          });
          const result = runEvaluation(trained, prepared, {
            ways,
            shots,
            queries,
            episodes,
            seed,
            classes,
            skipHandcrafted: !opts.handcrafted,
          });
          const seconds = (performance.now() - started) / 1000;
          await writeReport(
            reportData(trained, result, {
              command: `fewbeat eval ${process.argv.slice(3).join(' ')}`.trim(),
              seconds,
              seed,
              cohort: opts.manifest,
            }),
            opts.out,
          );
          emit(
            result.metrics,
            opts,
            (m) => `${summaryTable(m)}\n\nreport written to ${opts.out}/report.html and ${opts.out}/metrics.json`,
          );
        } finally {
          trained.model.dispose();
        }
      },
    );
}
