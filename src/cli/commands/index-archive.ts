import { availableParallelism } from 'node:os';
import cliProgress from 'cli-progress';
import { Option, type Command } from 'commander';
import { listArchiveUnits } from '../../archive/archive-units.js';
import { buildIndex, type BuildIndexResult } from '../../archive/build-index.js';
import { readModelDir } from '../../model-dir/model-dir.js';
import { initBackend } from '../../runtime/backend.js';
import { emit, parseNumberOption } from '../output.js';

/** A progress display for indexing on stderr: a bar with recordings per second and ETA, or lines without a terminal. */
function indexProgress(total: number): { update(done: number, windows: number): void; stop(): void } {
  const t0 = performance.now();
  const rate = (done: number): number => done / Math.max(1e-3, (performance.now() - t0) / 1000);
  if (!process.stderr.isTTY) {
    const every = Math.max(1, Math.floor(total / 20));
    return {
      update(done, windows) {
        if (done % every !== 0 && done !== total) return;
        const r = rate(done);
        process.stderr.write(
          `index ${done}/${total} recordings | ${windows} windows | ` +
            `${r.toFixed(1)} rec/s | ETA ` +
            `${((total - done) / Math.max(1e-9, r)).toFixed(0)} s\n`,
        );
      },
      stop() {},
    };
  }
  const bar = new cliProgress.SingleBar(
    {
      format: 'index [{bar}] {value}/{total} recordings | {windows} windows | {speed} rec/s | ETA {eta_formatted}',
      stream: process.stderr,
      hideCursor: false,
      etaBuffer: 200,
      fps: 5,
    },
    cliProgress.Presets.shades_classic,
  );
  bar.start(total, 0, { windows: 0, speed: '0.0' });
  return {
    update(done, windows) {
      bar.update(done, { windows, speed: rate(done).toFixed(1) });
    },
    stop() {
      bar.stop();
    },
  };
}

/** `fewbeat index ARCHIVE --model M --out INDEX`: embed an archive for `fewbeat search`. */
export function register(program: Command): void {
  program
    .command('index')
    .description(
      'embed every recording of an archive folder or cohort manifest (10 s windows) into a searchable, resumable index',
    )
    .argument(
      '<archive>',
      'archive folder (WFDB, EDF, CSV recordings, walked recursively) or cohort folder / manifest.csv',
    )
    .requiredOption('--model <dir>', 'model directory written by fewbeat train')
    .requiredOption('--out <dir>', 'index folder to create or continue')
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
    .option('--json', 'machine-readable summary')
    .action(
      async (
        archive: string,
        opts: {
          model: string;
          out: string;
          shard: string;
          threads: string;
          measurements: 'needed' | 'all';
          engine: 'onnx' | 'tfjs';
          json?: boolean;
        },
      ) => {
        const shardWindows = parseNumberOption('--shard', opts.shard, { integer: true, min: 1 });
        const threads = parseNumberOption('--threads', opts.threads, { integer: true, min: 0 });
        const { units, kind } = listArchiveUnits(archive, opts.out);
        await initBackend();
        const trained = readModelDir(opts.model);
        const progress = indexProgress(units.length);
        let result: BuildIndexResult;
        try {
          result = await buildIndex(opts.out, units, trained, {
            shardWindows,
            threads,
            measurements: opts.measurements,
            engine: opts.engine,
            onProgress: (done, _total, windows) => progress.update(done, windows),
          });
        } finally {
          progress.stop();
          trained.model.dispose();
        }
        emit({ index: opts.out, source: kind, ...result }, opts, (r) =>
          [
            `index ${r.index}: ${r.units} recordings from the ${r.source}; ${r.alreadyIndexed} already indexed, ` +
              `${r.embedded} windows embedded in ${r.seconds.toFixed(1)} s ` +
              `(${(r.embedded / Math.max(1e-9, r.seconds)).toFixed(1)} windows/s), ` +
              `${r.shardsWritten} shard${r.shardsWritten === 1 ? '' : 's'} written`,
            ...(r.duplicates
              ? [
                  `${r.duplicates} duplicate recording${r.duplicates === 1 ? '' : 's'} ` +
                    `(same content as one indexed): not embedded again`,
                ]
              : []),
            ...(r.skipped.length ? [`${r.skipped.length} skipped:`, ...r.skipped.map((s) => `  ${s.reason}`)] : []),
          ].join('\n'),
        );
      },
    );
}
