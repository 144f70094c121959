import { createRequire } from 'node:module';
import type { Command } from 'commander';
import {
  BenchWorkload,
  runBench,
  runTrainingMemory,
  type BenchResult,
  type TrainingMemory,
} from '../../bench/model.js';
import { UsageError } from '../../errors.js';
import { initBackend, type BackendName } from '../../runtime/backend.js';
import { defaultWorkerCount } from '../../model-dir/train-config.js';
import { emit, parseNumberOption } from '../output.js';
import { ENGINE_HELP, parseEngine, parseWorkers, WORKERS_HELP } from './train.js';

/** Human-readable form of a bench result. */
function formatBench(r: BenchResult): string {
  return [
    `params                 ${r.params.toLocaleString('en-US')}`,
    `train_step_ms_median   ${r.train_step_ms_median}   (5-way 5-shot ` +
      `10-query episode, 2 views, Adam; engine ${r.train_engine}, ` +
      `${r.train_workers > 0 ? `${r.train_workers} worker threads` : 'in process'})`,
    `train_step_cpu_ms      ${r.train_step_cpu_ms_median}   (CPU time of all threads, median)`,
    ...Object.entries(r.train_step_ms_by_runner).map(([name, t]) => `  ${name.padEnd(21)}${t.wall}   (CPU ${t.cpu})`),
    `infer_ecg_per_s        ${r.infer_ecg_per_s}   (eval forward, batch 256, fastest path: ${r.infer_path})`,
    ...Object.entries(r.infer_ecg_per_s_by_path).map(
      ([path, v]) => `  ${path.padEnd(21)}${v}   (${r.infer_ecg_per_cpu_s_by_path[path]} per CPU-second)`,
    ),
    `backend                ${r.backend}`,
    `peak_rss_mb            ${r.peak_rss_mb}`,
    `runs                   ${r.runs} timed after warm-up (medians)`,
  ].join('\n');
}

/** Human-readable form of a training-memory run. */
function formatMemory(m: TrainingMemory): string {
  return [
    `${m.episodes} bench episodes, engine ${m.engine}, on ` +
      `${m.workers > 0 ? `${m.workers} worker threads` : 'the main thread'} ` +
      `in ${m.seconds} s`,
    `peak_rss_mb            ${m.peak_rss_mb}   (whole process, workers included)`,
    `rss_mb                 ${m.rss_mb.join(' ')}`,
    `main tensors           ${m.main_tensors.join(' -> ')}`,
    ...m.worker_tensors.map((t, i) => `worker ${i} tensors       ${t.join(' -> ')}`),
    `wasm heap (MB)         main ${m.wasm_heap_mb.main}; workers ${m.wasm_heap_mb.workers.join(', ') || '-'}`,
  ].join('\n');
}

/** The installed onnxruntime-node version. */
function ortVersion(): string {
  return (createRequire(import.meta.url)('onnxruntime-node/package.json') as { version: string }).version;
}

/**
 * `fewbeat bench [--json] [--runs N] [--warmup N] [--backend wasm|cpu]
 * [--workers N] [--engine onnx|tfjs]`: the model's speed benchmark.
 */
export function register(program: Command): void {
  program
    .command('bench')
    .description('time one training step and inference of the "bench" model (medians of timed runs after warm-up)')
    .option('--json', 'print one JSON document')
    .option('--runs <n>', 'timed runs of each measurement (at least 10 for reported figures)', '10')
    .option('--warmup <n>', 'untimed runs first', '3')
    .option('--backend <name>', 'tfjs backend: wasm or cpu (the slow reference)', 'wasm')
    .option('--seed <n>', 'seed of the weights and the random inputs', '0')
    .option('--workers <n>', `${WORKERS_HELP}; the in-process step is timed too`)
    .option('--engine <name>', `${ENGINE_HELP}; both are timed, this one is reported`)
    .option(
      '--memory-episodes <n>',
      'instead of timing, train this many bench episodes and report peak RSS and tensor counts',
    )
    .action(
      async (opts: {
        json?: boolean;
        runs: string;
        warmup: string;
        backend: string;
        seed: string;
        workers?: string;
        engine?: string;
        memoryEpisodes?: string;
      }) => {
        const runs = parseNumberOption('--runs', opts.runs, { integer: true, min: 1, max: 1000 });
        const warmup = parseNumberOption('--warmup', opts.warmup, { integer: true, min: 0, max: 100 });
        const seed = parseNumberOption('--seed', opts.seed, { integer: true, min: 0 });
        const workers = parseWorkers(opts.workers) ?? defaultWorkerCount();
        const engine = parseEngine(opts.engine) ?? 'onnx';
        if (opts.backend !== 'wasm' && opts.backend !== 'cpu')
          throw new UsageError(`option --backend: expected wasm or cpu, got '${opts.backend}'`);
        const backend = await initBackend(opts.backend as BackendName);
        const workload = new BenchWorkload(seed);
        try {
          if (opts.memoryEpisodes !== undefined) {
            const episodes = parseNumberOption('--memory-episodes', opts.memoryEpisodes, {
              integer: true,
              min: 2,
              max: 100_000,
            });
            const progress = (e: number, rss: number): boolean => process.stderr.write(`episode ${e}: rss ${rss} MB\n`);
            emit(await runTrainingMemory(workload, episodes, workers, engine, 50, progress), opts, formatMemory);
            return;
          }
          emit(
            await runBench(workload, {
              runs,
              warmup,
              workers,
              engine,
              backend: `tfjs-${backend}; ONNX Runtime ${ortVersion()}, 1 thread per worker`,
            }),
            opts,
            formatBench,
          );
        } finally {
          workload.dispose();
        }
      },
    );
}
