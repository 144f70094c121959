import type { Command } from 'commander';
import { BenchWorkload, runBench, type BenchResult } from '../../bench/model.js';
import { UsageError } from '../../errors.js';
import { initBackend, type BackendName } from '../../runtime/backend.js';
import { emit, parseNumberOption } from '../output.js';

/** Human-readable form of a bench result. */
function formatBench(r: BenchResult): string {
  return [
    `params                 ${r.params.toLocaleString('en-US')}`,
    `train_step_ms_median   ${r.train_step_ms_median}   (5-way 5-shot 10-query episode, 2 views, Adam)`,
    `train_step_cpu_ms      ${r.train_step_cpu_ms_median}   (CPU time, median)`,
    `infer_ecg_per_s        ${r.infer_ecg_per_s}   (eval forward, batch 256, fastest path: ${r.infer_path})`,
    ...Object.entries(r.infer_ecg_per_s_by_path).map(([path, v]) => `  ${path.padEnd(21)}${v}   (${r.infer_ecg_per_cpu_s_by_path[path]} per CPU-second)`),
    `backend                ${r.backend}`,
    `peak_rss_mb            ${r.peak_rss_mb}`,
    `runs                   ${r.runs} timed after warm-up (medians)`,
  ].join('\n');
}

/** `fewbeat bench [--json] [--runs N] [--warmup N] [--backend wasm|cpu]`: issue 6's speed benchmark. */
export function register(program: Command): void {
  program
    .command('bench')
    .description('time one training step and inference of the "bench" model (medians of timed runs after warm-up)')
    .option('--json', 'print one JSON document')
    .option('--runs <n>', 'timed runs of each measurement (at least 10 for reported figures)', '10')
    .option('--warmup <n>', 'untimed runs first', '3')
    .option('--backend <name>', 'tfjs backend: wasm or cpu (the slow reference)', 'wasm')
    .option('--seed <n>', 'seed of the weights and the random inputs', '0')
    .action(async (opts: { json?: boolean; runs: string; warmup: string; backend: string; seed: string }) => {
      const runs = parseNumberOption('--runs', opts.runs, { integer: true, min: 1, max: 1000 });
      const warmup = parseNumberOption('--warmup', opts.warmup, { integer: true, min: 0, max: 100 });
      const seed = parseNumberOption('--seed', opts.seed, { integer: true, min: 0 });
      if (opts.backend !== 'wasm' && opts.backend !== 'cpu') throw new UsageError(`option --backend: expected wasm or cpu, got '${opts.backend}'`);
      const backend = await initBackend(opts.backend as BackendName);
      const workload = new BenchWorkload(seed);
      try {
        emit(await runBench(workload, { runs, warmup, backend: `tfjs-${backend}, 1 thread` }), opts, formatBench);
      } finally {
        workload.dispose();
      }
    });
}
