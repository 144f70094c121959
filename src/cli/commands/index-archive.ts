import { availableParallelism } from 'node:os';
import cliProgress from 'cli-progress';
import { Option, type Command } from 'commander';
import { listArchiveUnits } from '../../archive/archive-units.js';
import { buildIndex, type BuildIndexResult } from '../../archive/build-index.js';
import type { Reembedding } from '../../archive/index-generations.js';
import {
  indexQueueStatus,
  runIndexCoordinator,
  type DistributedIndexResult,
  type QueueStatus,
} from '../../archive/index-coordinator.js';
import { DEFAULT_PREFIX, queueConnection } from '../../archive/index-queue.js';
import { UsageError } from '../../errors.js';
import { readModelDir } from '../../model-dir/model-dir.js';
import { initBackend } from '../../runtime/backend.js';
import { emit, parseNumberOption } from '../output.js';

/**
 * A progress display on stderr: a bar with `noun` done of `total`, a detail (windows, workers), the
 * rate of this run (done since the first update, per second) and the ETA; plain lines every 5 %
 * without a terminal.
 */
interface ProgressDisplay {
  update(done: number, detail: string): void;
  stop(): void;
}

function progressDisplay(total: number, noun: string): ProgressDisplay {
  const t0 = performance.now();
  let first: number | null = null;
  const rate = (done: number): number => (done - (first ?? 0)) / Math.max(1e-3, (performance.now() - t0) / 1000);
  if (!process.stderr.isTTY) {
    const every = Math.max(1, Math.floor(total / 20));
    let last = -1;
    return {
      update(done, detail) {
        first ??= done;
        if (done === last || (Math.floor(done / every) === Math.floor(last / every) && done !== total)) return;
        last = done;
        const r = rate(done);
        process.stderr.write(
          `index ${done}/${total} ${noun} | ${detail} | ${r.toFixed(1)} ${noun}/s | ETA ` +
            `${r > 0 ? ((total - done) / r).toFixed(0) : '?'} s\n`,
        );
      },
      stop() {},
    };
  }
  const bar = new cliProgress.SingleBar(
    {
      format: `index [{bar}] {value}/{total} ${noun} | {detail} | {speed} ${noun}/s | ETA {eta_formatted}`,
      stream: process.stderr,
      hideCursor: false,
      etaBuffer: 200,
      fps: 5,
    },
    cliProgress.Presets.shades_classic,
  );
  bar.start(total, 0, { detail: '', speed: '0.0' });
  return {
    update(done, detail) {
      first ??= done;
      bar.update(done, { detail, speed: rate(done).toFixed(1) });
    },
    stop() {
      bar.stop();
    },
  };
}

/** The human summary of an index run, local or distributed. */
function summary(r: {
  index: string;
  units: number;
  source: string;
  alreadyIndexed: number;
  embedded: number;
  seconds: number;
  shardsWritten: number;
  duplicates: number;
  skipped: Array<{ reason: string }>;
  jobs?: number;
  reembedding: Reembedding | null;
}): string {
  const re = r.reembedding;
  return [
    `index ${r.index}: ${r.units} recordings from the ${r.source}` +
      `${r.jobs === undefined ? '' : ` in ${r.jobs} jobs`}; ` +
      `${r.alreadyIndexed} already indexed, ${r.embedded} windows embedded in ${r.seconds.toFixed(1)} s ` +
      `(${(r.embedded / Math.max(1e-9, r.seconds)).toFixed(1)} windows/s), ` +
      `${r.shardsWritten} shard${r.shardsWritten === 1 ? '' : 's'} written`,
    ...(r.duplicates
      ? [
          `${r.duplicates} duplicate recording${r.duplicates === 1 ? '' : 's'} ` +
            `(same content as one indexed): not embedded again`,
        ]
      : []),
    ...(r.skipped.length ? [`${r.skipped.length} skipped:`, ...r.skipped.map((s) => `  ${s.reason}`)] : []),
    ...(re === null
      ? []
      : re.switched
        ? [
            `re-embedded with the new model: ${re.reembedded} of the ${re.recordings} recordings of the previous ` +
              `model's index; searches now use the new model's embeddings (the previous ones were removed)`,
          ]
        : [
            `re-embedding with a new model: ${re.reembedded} of the ${re.recordings} recordings of the index ` +
              `so far; searches keep the current model's embeddings until all are re-embedded (index the ` +
              `rest of the archive with this model and --reembed, or add --switch-incomplete to switch now). ` +
              `Not re-embedded yet:`,
            ...re.missing.map((r) => `  ${r}`),
            ...(re.recordings - re.reembedded > re.missing.length
              ? [`  … and ${re.recordings - re.reembedded - re.missing.length} more`]
              : []),
          ]),
  ].join('\n');
}

interface IndexOptions {
  model?: string;
  out: string;
  shard: string;
  threads: string;
  measurements: 'needed' | 'all';
  engine: 'onnx' | 'tfjs';
  queue?: string;
  queuePrefix: string;
  shardRecords: string;
  status?: boolean;
  reembed?: boolean;
  switchIncomplete?: boolean;
  json?: boolean;
}

/**
 * `fewbeat index ARCHIVE --model M --out INDEX`: embed an archive for `fewbeat search`, on this
 * machine, or with `--queue redis://…` as jobs for `fewbeat worker` processes on any machines
 * (`--status` shows that queue's progress from anywhere).
 */
export function register(program: Command): void {
  program
    .command('index')
    .description(
      'embed every recording of an archive folder or cohort manifest (10 s windows) into a searchable, resumable ' +
        'index, here or with --queue on fewbeat worker processes',
    )
    .argument(
      '[archive]',
      'archive folder (WFDB, EDF, CSV recordings, walked recursively) or cohort folder / manifest.csv',
    )
    .option('--model <dir>', 'model directory written by fewbeat train (required unless --status)')
    .requiredOption('--out <dir>', 'index folder to create or continue')
    .option(
      '--reembed',
      "with another model than the index's: embed with this one beside the current embeddings (which searches " +
        'use meanwhile), and switch to the new ones once every recording of the index is re-embedded',
    )
    .option('--switch-incomplete', 'with --reembed: switch at the end of this run, dropping what is not re-embedded')
    .option('--shard <windows>', 'windows per committed shard', '512')
    .option(
      '--threads <n>',
      'worker threads reading, preprocessing and measuring while the model embeds (0: none)',
      String(Math.max(1, availableParallelism())),
    )
    .addOption(
      new Option(
        '--measurements <which>',
        "measure every window (all) or only when the model's prototype space holds the measurements (needed)",
      )
        .choices(['needed', 'all'])
        .default('needed'),
    )
    .addOption(
      new Option('--engine <engine>', 'what embeds: ONNX Runtime (the model exported in memory) or tfjs')
        .choices(['onnx', 'tfjs'])
        .default('onnx'),
    )
    .option('--queue <url>', 'Redis URL (redis://host:port): enqueue the work for fewbeat worker processes, then merge')
    .option('--queue-prefix <prefix>', 'prefix of the Redis keys (the same for the workers)', DEFAULT_PREFIX)
    .option('--shard-records <n>', 'recordings per queued job (with --queue)', '64')
    .option('--status', "show the progress of the index's queue (with --queue) and exit")
    .option('--json', 'machine-readable summary')
    .action(async (archive: string | undefined, opts: IndexOptions) => {
      const shardWindows = parseNumberOption('--shard', opts.shard, { integer: true, min: 1 });
      const threads = parseNumberOption('--threads', opts.threads, { integer: true, min: 0 });
      const shardRecords = parseNumberOption('--shard-records', opts.shardRecords, { integer: true, min: 1 });
      const connection = opts.queue === undefined ? null : queueConnection(opts.queue, opts.queuePrefix);
      if (opts.status) {
        if (!connection) throw new UsageError('--status shows the progress of a queue: give --queue redis://…');
        const status = await indexQueueStatus(connection, opts.out);
        emit(status, opts, (s) => statusLine(s));
        return;
      }
      if (archive === undefined) throw new UsageError('missing argument: the archive folder or manifest to index');
      if (opts.switchIncomplete && !opts.reembed) throw new UsageError('--switch-incomplete goes with --reembed');
      const reembed = { reembed: opts.reembed === true, switchIncomplete: opts.switchIncomplete === true };
      if (opts.model === undefined) throw new UsageError("required option '--model <dir>' not specified");
      const { units, kind } = listArchiveUnits(archive, opts.out);
      await initBackend();
      const trained = readModelDir(opts.model);
      const lock = {
        onWait: (ms: number) =>
          process.stderr.write(
            `${opts.out}: another fewbeat index run is writing this index; waiting up to ${Math.round(ms / 1000)} s\n`,
          ),
      };
      try {
        if (connection) {
          // Shown from the first reading of the queue, which gives the number of jobs.
          const shown: { progress?: ProgressDisplay } = {};
          let result: DistributedIndexResult;
          try {
            result = await runIndexCoordinator(connection, opts.out, units, trained, {
              shardRecords,
              shardWindows,
              measurements: opts.measurements,
              engine: opts.engine,
              ...reembed,
              lock,
              onProgress: (s) => {
                shown.progress ??= progressDisplay(s.jobs, 'jobs');
                shown.progress.update(s.completed, `${s.active} active, ${s.failed} failed | ${s.workers} workers`);
              },
            });
          } finally {
            shown.progress?.stop();
          }
          emit({ index: opts.out, source: kind, ...result }, opts, summary);
          return;
        }
        const progress = progressDisplay(units.length, 'recordings');
        let result: BuildIndexResult;
        try {
          result = await buildIndex(opts.out, units, trained, {
            shardWindows,
            threads,
            measurements: opts.measurements,
            engine: opts.engine,
            ...reembed,
            lock,
            onProgress: (done, _total, windows) => progress.update(done, `${windows} windows`),
          });
        } finally {
          progress.stop();
        }
        emit({ index: opts.out, source: kind, ...result }, opts, summary);
      } finally {
        trained.model.dispose();
      }
    });
}

/** One line of a queue's state: jobs done of all, running, failed, waiting, and the workers connected. */
function statusLine(s: QueueStatus): string {
  return (
    `queue ${s.queue}: ${s.completed}/${s.jobs} jobs done, ${s.active} running, ${s.waiting} waiting, ` +
    `${s.failed} failed | ${s.workers} worker${s.workers === 1 ? '' : 's'} connected`
  );
}
