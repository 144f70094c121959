import { existsSync, readdirSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { join } from 'node:path';
import { readCohort } from '../../io/manifest/index.js';
import { DEFAULT_PREPROCESS } from '../../data/preprocess.js';
import { prepareCohort, type PreparedCohort } from '../../data/prepare-cohort.js';
import { DEFAULT_COHORT_OPTIONS, type CohortOptions } from '../../synth/cohort.js';
import { writeSyntheticCohort } from '../../synth/write-synthetic-cohort.js';
import { readModelDir, type TrainedModelDir } from '../../model-dir/model-dir.js';
import { trainConfigSchema, type TrainConfig } from '../../model-dir/train-config.js';
import { trainModel } from '../../train/train-model.js';
import { workerEntryUrl } from '../../train/parallel/worker-entry-url.js';
import type { TrainerHooks } from '../../train/trainer.js';
import { writeReport } from '../report/write-report.js';
import type { RunMetrics } from './evaluate.js';
import { reportData, runEvaluation } from './run-evaluation.js';
import { ABLATIONS, TRAINED_BASELINES, type Variant } from './ablations.js';
import type { VariantThreadResult, VariantThreadTask } from './train-variant-thread.js';

/** The budget of a demo run: cohort size, training and evaluation. */
export interface DemoBudget {
  cohort: Pick<CohortOptions, 'patients'>;
  training: Partial<TrainConfig>;
  evaluation: { episodes: number; queries: number; ways: number; shots: number[]; handcrafted: boolean };
}

/**
 * `fewbeat demo`: the default cohort (1,000 children) and the default training budget: up to 1,200
 * episodes with early stopping (patience 4 checks of 50 episodes). At 600 episodes training ran to
 * the end of its cosine schedule without stopping early (best validation accuracy 0.855 at episode
 * 450); with 1,200 the same seed stops early at 900 with its best validation accuracy 0.877 at 700.
 * The budget was chosen on that base-class validation curve.
 */
export const FULL_DEMO: DemoBudget = {
  cohort: { patients: DEFAULT_COHORT_OPTIONS.patients },
  training: { episodes: 1200, validateEvery: 50, validationEpisodes: 200, calibrationEpisodes: 1000, patience: 4 },
  evaluation: { episodes: 600, queries: 10, ways: 5, shots: [1, 5], handcrafted: true },
};

/** `fewbeat demo --quick`: a smoke test of every stage on a small cohort, under two minutes. */
export const QUICK_DEMO: DemoBudget = {
  cohort: { patients: 300 },
  training: { episodes: 6, ways: 5, shots: 2, queries: 2, validateEvery: 3, validationEpisodes: 10, patience: 2 },
  evaluation: { episodes: 100, queries: 5, ways: 5, shots: [1, 5], handcrafted: false },
};

/** Folders of a demo directory. */
export const demoPaths = (out: string) => ({
  cohort: join(out, 'cohort'),
  model: join(out, 'model'),
  report: join(out, 'report'),
  baselines: join(out, 'baselines'),
  ablations: join(out, 'ablations'),
});

export interface DemoOptions {
  out: string;
  budget: DemoBudget;
  seed: number;
  /** Train the ablation variants too (what `fewbeat ablate` does). */
  ablations: boolean;
  /** Only these ablations (default: every one in {@link ABLATIONS}). */
  ablationNames?: readonly string[];
  /** Skip the stages whose output exists (cohort, models): `fewbeat ablate` after `fewbeat demo`. */
  reuse: boolean;
  command: string;
  log: (line: string) => void;
  /** Training worker threads (TrainConfig `workers`; default: its default). */
  workers?: number;
  /** Training step engine (TrainConfig `engine`; default: its default). */
  engine?: TrainConfig['engine'];
  /** Add the project-targets section to the report (`--targets`). */
  targets?: boolean;
  /** Progress bar factory per training run. */
  progress?: (label: string, total: number) => { onStep: NonNullable<TrainerHooks['onStep']>; stop(): void };
}

function ensureCohort(o: DemoOptions): void {
  const dir = demoPaths(o.out).cohort;
  if (existsSync(join(dir, 'manifest.csv'))) {
    o.log(`cohort: reusing ${dir}`);
    return;
  }
  const started = performance.now();
  const tally = writeSyntheticCohort(dir, { ...DEFAULT_COHORT_OPTIONS, ...o.budget.cohort, seed: o.seed });
  o.log(
    `cohort: ${tally.recordings} synthetic recordings of ` +
      `${o.budget.cohort.patients} children in ` +
      `${((performance.now() - started) / 1000).toFixed(0)} s -> ${dir}`,
  );
}

/** The variant's model when a finished run is there to reuse (`reuse`), else null. */
function reusedVariant(o: Pick<DemoOptions, 'reuse' | 'log'>, dir: string, name: string): TrainedModelDir | null {
  if (!(o.reuse && existsSync(join(dir, 'config.json')) && existsSync(join(dir, 'metrics.json')))) return null;
  o.log(`${name}: reusing ${dir}`);
  return readModelDir(dir);
}

function logTrained(o: Pick<DemoOptions, 'log'>, name: string, r: VariantThreadResult): void {
  o.log(
    `${name}: ${r.episodes} episodes in ${r.seconds.toFixed(0)} s, ` +
      `best validation accuracy ${r.bestAccuracy.toFixed(3)}`,
  );
}

async function trainVariant(
  o: DemoOptions,
  prepared: PreparedCohort,
  dir: string,
  variant: Variant | null,
  base: TrainConfig,
): Promise<TrainedModelDir> {
  const name = variant?.name ?? 'full model';
  const reused = reusedVariant(o, dir, name);
  if (reused) return reused;
  const training = trainConfigSchema.parse({ ...base, ...variant?.training });
  const bar = o.progress?.(name, training.episodes);
  let result;
  try {
    result = await trainModel({
      prepared,
      outDir: dir,
      preset: 'default',
      seed: o.seed,
      training,
      resume: o.reuse,
      ...(variant?.model ? { modelOverrides: variant.model } : {}),
      ...(bar ? { onStep: bar.onStep } : {}),
    });
  } finally {
    bar?.stop();
  }
  result.model.dispose();
  logTrained(o, name, {
    episodes: result.state.episode,
    seconds: result.seconds,
    bestAccuracy: result.state.best.accuracy,
  });
  return readModelDir(dir);
}

/**
 * {@link trainVariant} on a worker thread of its own (train-variant-thread.ts), without a progress
 * bar: the same cohort, seed and configuration give the same weights. The baselines train one ECG
 * view per step, which keeps about one core busy (the trunk on one ONNX Runtime worker, then the rest
 * of the step on the main thread), so two of them at once fill a 2-core machine.
 */
export async function trainVariantInThread(
  o: Pick<DemoOptions, 'seed' | 'reuse' | 'log'>,
  prepared: PreparedCohort,
  dir: string,
  variant: Variant,
  base: TrainConfig,
): Promise<TrainedModelDir> {
  const reused = reusedVariant(o, dir, variant.name);
  if (reused) return reused;
  const { encoder, ...data } = prepared;
  const task: VariantThreadTask = {
    prepared: { ...data, encoderState: encoder.state },
    outDir: dir,
    seed: o.seed,
    training: trainConfigSchema.parse({ ...base, ...variant.training }),
    modelOverrides: variant.model ?? null,
    resume: o.reuse,
  };
  const worker = new Worker(await workerEntryUrl(import.meta.url, 'train-variant-thread'), { workerData: task });
  const result = await new Promise<VariantThreadResult>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`the ${variant.name} training thread stopped (exit code ${code})`)));
  });
  await worker.terminate();
  logTrained(o, variant.name, result);
  return readModelDir(dir);
}

/**
 * The demo pipeline: synthesise the default cohort, meta-train the full model on base classes,
 * train the ECG-only baseline (and, with `ablations`, every ablated variant) with the same budget,
 * seed and episodes, evaluate all of them on the same novel-class episodes (1-shot, 5-shot,
 * generalised) and write `out/model`, `out/report/{metrics.json,report.html}`.
 */
export async function runDemo(o: DemoOptions): Promise<{ metrics: RunMetrics; seconds: number }> {
  const started = performance.now();
  const paths = demoPaths(o.out);
  ensureCohort(o);
  const prepared = prepareCohort(readCohort(paths.cohort), DEFAULT_PREPROCESS, { seed: o.seed });
  o.log(
    `data: ${prepared.dataset.examples.length} recordings preprocessed; ` +
      `base ${prepared.classes.base.length} classes, novel ` +
      `${prepared.classes.novel.join(', ')}`,
  );
  const training = trainConfigSchema.parse({
    ...o.budget.training,
    ...(o.workers === undefined ? {} : { workers: o.workers }),
    ...(o.engine === undefined ? {} : { engine: o.engine }),
  });
  const models: TrainedModelDir[] = [];
  try {
    const full = await trainVariant(o, prepared, paths.model, null, training);
    models.push(full);
    // The baselines two at a time: the last one here with its progress bar, the others on threads.
    const baselineModels = new Map<string, TrainedModelDir>();
    const last = TRAINED_BASELINES.length - 1;
    const trained = await Promise.allSettled(
      TRAINED_BASELINES.map((v, i) =>
        (i === last ? trainVariant : trainVariantInThread)(o, prepared, join(paths.baselines, v.name), v, training),
      ),
    );
    for (const t of trained) if (t.status === 'fulfilled') models.push(t.value); // disposed below, whatever happens
    const failed = trained.find((t) => t.status === 'rejected');
    if (failed) throw failed.reason;
    TRAINED_BASELINES.forEach((v, i) =>
      baselineModels.set(v.name, (trained[i] as PromiseFulfilledResult<TrainedModelDir>).value),
    );
    const ablationModels = new Map<string, TrainedModelDir>();
    for (const v of ABLATIONS) {
      const dir = join(paths.ablations, v.name);
      const asked = o.ablations && (!o.ablationNames || o.ablationNames.includes(v.name));
      const wanted =
        asked ||
        (existsSync(paths.ablations) &&
          readdirSync(paths.ablations).includes(v.name) &&
          existsSync(join(dir, 'metrics.json')));
      if (!wanted) continue;
      const m = await trainVariant(o, prepared, dir, v, training);
      models.push(m);
      ablationModels.set(v.name, m);
    }
    const e = o.budget.evaluation;
    const evalStarted = performance.now();
    const result = runEvaluation(full, prepared, {
      ways: e.ways,
      shots: e.shots,
      queries: e.queries,
      episodes: e.episodes,
      seed: o.seed + 6,
      baselineModels,
      ablationModels,
      skipHandcrafted: !e.handcrafted,
    });
    const seconds = (performance.now() - started) / 1000;
    await writeReport(
      reportData(full, result, { command: o.command, seconds, seed: o.seed, cohort: paths.cohort }),
      paths.report,
      { targets: !!o.targets },
    );
    o.log(
      `evaluation: ${e.episodes} episodes per setting in ` +
        `${((performance.now() - evalStarted) / 1000).toFixed(0)} s -> ` +
        `${paths.report}`,
    );
    return { metrics: result.metrics, seconds };
  } finally {
    for (const m of models) m.model.dispose();
  }
}
