import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { MAX_COHORT_WEIGHT } from '../../data/cohort-mix.js';
import { prepareMixedCohort } from '../../data/prepare-mixed-cohort.js';
import { DEFAULT_PREPROCESS, type PreprocessSpec } from '../../data/preprocess.js';
import { prepareCohort, type PreparedCohort } from '../../data/prepare-cohort.js';
import { UsageError } from '../../errors.js';
import { readCohort } from '../../io/manifest/index.js';
import type { CohortRow } from '../../io/manifest/cohort.js';
import type { Ecg } from '../../io/ecg.js';
import { initBackend } from '../../runtime/backend.js';
import { trainingProgressBar } from '../../train/progress-bar.js';
import { trainConfigSchema, type TrainConfig } from '../../model-dir/train-config.js';
import { trainModel } from '../../train/train-model.js';
import { emit, parseNumberOption } from '../output.js';

/** `a,b,c` -> ['a', 'b', 'c'] (undefined stays undefined). */
export function parseClassList(raw: string | undefined): string[] | undefined {
  return raw === undefined
    ? undefined
    : raw
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s.length > 0);
}

/** One `--add-manifest DIR[:WEIGHT]`: a cohort folder mixed into training, and its sampling weight. */
export interface AddedManifest {
  dir: string;
  weight: number;
  /** The option as given, for messages. */
  option: string;
}

/** A cohort's sampling weight given in `option`: a number in (0, 10]. */
export function parseCohortWeight(option: string, raw: string): number {
  const weight = raw.trim() === '' ? NaN : Number(raw);
  if (!(Number.isFinite(weight) && weight > 0 && weight <= MAX_COHORT_WEIGHT))
    throw new UsageError(`option ${option}: weight '${raw}' is not a number in (0, ${MAX_COHORT_WEIGHT}]`);
  return weight;
}

/**
 * `--add-manifest DIR[:WEIGHT]` -> { dir, weight } (weight 1 when absent). The weight is what follows
 * the last `:` when that holds no `/`; it must be a number in (0, 10]. The folder must exist.
 */
export function parseAddManifest(raw: string): AddedManifest {
  const colon = raw.lastIndexOf(':');
  const tail = colon >= 0 ? raw.slice(colon + 1) : '';
  const hasWeight = colon >= 0 && !tail.includes('/');
  const dir = hasWeight ? raw.slice(0, colon) : raw;
  const option = `--add-manifest ${raw}`;
  const weight = hasWeight ? parseCohortWeight('--add-manifest', tail) : 1;
  if (!existsSync(dir)) throw new UsageError(`option --add-manifest: no cohort folder at ${dir}`);
  return { dir, weight, option };
}

/**
 * Load and preprocess a cohort for a run, with a line on stderr while it loads; with `added` cohorts,
 * the mix of `manifest` (primary, weight 1) and those (`prepareMixedCohort`).
 */
export function loadPrepared(
  manifest: string,
  spec: PreprocessSpec,
  opts: {
    base?: readonly string[] | undefined;
    novel?: readonly string[] | undefined;
    seed: number;
    minBase?: number;
    /** Reads one row's recording (default: `loadCohortEcg`). */
    loadRecord?: ((row: CohortRow) => Ecg) | undefined;
    /** Cohorts mixed into the run (`--add-manifest`). */
    added?: readonly AddedManifest[];
  },
): PreparedCohort {
  const cohort = readCohort(manifest);
  const added = opts.added ?? [];
  const prepare: typeof prepareCohort =
    added.length === 0
      ? prepareCohort
      : (primary, s, o) =>
          prepareMixedCohort(
            [
              { cohort: primary, weight: 1, origin: `--manifest ${manifest}` },
              ...added.map((a) => ({ cohort: readCohort(a.dir), weight: a.weight, origin: a.option })),
            ],
            s,
            o,
          );
  let last = 0;
  const prepared = prepare(cohort, spec, {
    base: opts.base,
    novel: opts.novel,
    seed: opts.seed,
    ...(opts.minBase === undefined ? {} : { minBase: opts.minBase }),
    ...(opts.loadRecord === undefined ? {} : { loadRecord: opts.loadRecord }),
    onRow: (done, total) => {
      if (done === total || done - last >= 200) {
        // A terminal redraws one line; a log file gets one line per update.
        process.stderr.write(
          process.stderr.isTTY
            ? `\rpreprocessing ${done}/${total} recordings`
            : `preprocessing ${done}/${total} recordings\n`,
        );
        last = done;
      }
      if (done === total && process.stderr.isTTY) process.stderr.write('\n');
    },
  });
  return prepared;
}

/** `--workers N`: training worker threads, 0 = in process (undefined when the flag is absent). */
export function parseWorkers(raw: string | undefined): number | undefined {
  return raw === undefined ? undefined : parseNumberOption('--workers', raw, { integer: true, min: 0, max: 16 });
}

/** Help text of `--workers`. */
export const WORKERS_HELP =
  'worker threads for training steps, 0 = in process (default 2 on a machine with at least 2 cores)';

/** `--engine onnx|tfjs` (undefined when the flag is absent). */
export function parseEngine(raw: string | undefined): TrainConfig['engine'] | undefined {
  if (raw === undefined || raw === 'onnx' || raw === 'tfjs') return raw;
  throw new UsageError(`option --engine: expected onnx or tfjs, got '${raw}'`);
}

/** Help text of `--engine`. */
export const ENGINE_HELP =
  'what computes a training step: onnx (the ECG trunk on ONNX Runtime, ' +
  'default) or tfjs (everything on the tfjs wasm backend)';

/** Episode-shape and budget flags shared by train, demo and ablate. */
export interface TrainFlags {
  episodes?: string;
  ways?: string;
  shots?: string;
  queries?: string;
  workers?: string;
  engine?: string;
  /** `--validate-every N` (train only): validate and checkpoint every N episodes. */
  validateEvery?: string;
  /** `--lead-subsets P` (train only): probability that a training recording is seen through a random lead subset. */
  leadSubsets?: string;
}

/** The training configuration from defaults and flags. */
export function trainConfigFromFlags(flags: TrainFlags, base: Partial<TrainConfig> = {}): TrainConfig {
  const n = (name: string, raw: string | undefined): Record<string, number> =>
    raw === undefined ? {} : { [name]: parseNumberOption(`--${name}`, raw, { integer: true, min: 1 }) };
  const workers = parseWorkers(flags.workers);
  const engine = parseEngine(flags.engine);
  return trainConfigSchema.parse({
    ...base,
    ...n('episodes', flags.episodes),
    ...n('ways', flags.ways),
    ...n('shots', flags.shots),
    ...n('queries', flags.queries),
    ...(flags.validateEvery === undefined
      ? {}
      : { validateEvery: parseNumberOption('--validate-every', flags.validateEvery, { integer: true, min: 1 }) }),
    ...(flags.leadSubsets === undefined
      ? {}
      : { leadSubsets: parseNumberOption('--lead-subsets', flags.leadSubsets, { min: 0, max: 1 }) }),
    ...(workers === undefined ? {} : { workers }),
    ...(engine === undefined ? {} : { engine }),
  });
}

export function register(program: Command): void {
  program
    .command('train')
    .description('meta-train a model on the base classes of a cohort and write a model directory')
    .requiredOption('--manifest <dir>', 'cohort folder (manifest.csv + clinical-schema.json)')
    .requiredOption('--out <dir>', 'model directory to write')
    .option('--preset <name>', 'model preset (data/presets)', 'default')
    .option('--episodes <n>', 'training episodes (default 2000)')
    .option('--ways <n>', 'classes per training episode (default 5)')
    .option('--shots <n>', 'support examples per class (default 5)')
    .option('--queries <n>', 'query examples per class (default 5)')
    .option('--base <classes>', 'comma-separated base classes (default: every class that is not novel)')
    .option(
      '--novel <classes>',
      'comma-separated novel classes held out of training (default: jet,avb2_mobitz2,aflutter,vt,brugada)',
    )
    .option(
      '--add-manifest <dir[:weight]>',
      'another cohort folder to train on as well (repeatable); its patients are drawn into episodes with ' +
        'this weight against 1 for --manifest, in (0, 10], default 1',
      (raw: string, list: AddedManifest[]) => [...list, parseAddManifest(raw)],
      [] as AddedManifest[],
    )
    .option('--seed <n>', 'random seed', '1')
    .option('--workers <n>', WORKERS_HELP)
    .option('--engine <name>', ENGINE_HELP)
    .option(
      '--validate-every <n>',
      'validate on held-out patients and write a checkpoint every n episodes (default 100)',
    )
    .option(
      '--lead-subsets <p>',
      'probability in [0, 1] that a training recording is seen through a random 1, 2, 3 or 6 of its leads (default 0)',
    )
    .option('--resume', 'continue from the checkpoint in --out')
    .option('--json', 'machine-readable summary')
    .action(
      async (
        opts: TrainFlags & {
          manifest: string;
          out: string;
          preset: string;
          base?: string;
          novel?: string;
          addManifest: AddedManifest[];
          seed: string;
          resume?: boolean;
          json?: boolean;
        },
      ) => {
        const seed = parseNumberOption('--seed', opts.seed, { integer: true, min: 0 });
        const training = trainConfigFromFlags(opts);
        await initBackend();
        const prepared = loadPrepared(opts.manifest, DEFAULT_PREPROCESS, {
          base: parseClassList(opts.base),
          novel: parseClassList(opts.novel),
          seed,
          added: opts.addManifest,
        });
        const bar = trainingProgressBar(training.episodes);
        let result;
        try {
          result = await trainModel({
            prepared,
            outDir: opts.out,
            preset: opts.preset,
            seed,
            training,
            resume: !!opts.resume,
            onStep: (r, s) => bar.update(r, s),
          });
        } finally {
          bar.stop();
        }
        result.model.dispose();
        emit(
          {
            model: opts.out,
            episodes: result.state.episode,
            stopped_early: result.state.stoppedEarly,
            best_validation_accuracy: result.state.best.accuracy,
            best_episode: result.state.best.episode,
            base: result.extra.classes.base,
            novel: result.extra.classes.novel,
            seconds: result.seconds,
            workers: training.workers,
            engine: training.engine,
            ...(result.extra.cohorts ? { cohorts: result.extra.cohorts } : {}),
          },
          opts,
          (r) =>
            [
              `model written to ${r.model}`,
              `${r.episodes} episodes${r.stopped_early ? ' (stopped early)' : ''} ` +
                `in ${r.seconds.toFixed(0)} s; best validation accuracy ` +
                `${r.best_validation_accuracy.toFixed(3)} at episode ` +
                `${r.best_episode}`,
              `base classes: ${r.base.join(', ')}`,
              `novel classes (held out): ${r.novel.join(', ')}`,
              ...(r.cohorts ? [`cohorts (weight): ${r.cohorts.map((c) => `${c.name} (${c.weight})`).join(', ')}`] : []),
            ].join('\n'),
        );
      },
    );
}
