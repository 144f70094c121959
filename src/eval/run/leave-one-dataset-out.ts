import { join } from 'node:path';
import { conformCohort } from '../../data/cohort-mix.js';
import { loadDataset } from '../../data/dataset.js';
import { EpisodeSampler } from '../../data/episode-sampler.js';
import { prepareCohort, type PreparedCohort } from '../../data/prepare-cohort.js';
import { prepareMixedCohort } from '../../data/prepare-mixed-cohort.js';
import type { PreprocessSpec } from '../../data/preprocess.js';
import { FewbeatError } from '../../errors.js';
import type { Cohort } from '../../io/manifest/cohort.js';
import { readCohort } from '../../io/manifest/read-cohort.js';
import type { ModelConfigInput } from '../../models/config.js';
import { readModelDir, type TrainedModelDir } from '../../model-dir/model-dir.js';
import type { TrainConfig } from '../../model-dir/train-config.js';
import { trainModel } from '../../train/train-model.js';
import type { EpisodeResult } from './af-vs-sinus.js';
import { episodeResultHeader, episodeResultRow } from './episode-result-row.js';
import { modelEpisodeResult } from './model-episode-result.js';

/** Options of {@link leaveOneDatasetOut}. */
export interface LodoOptions {
  /** The synthetic cohort folder (primary: its clinical schema is every model's). */
  synthetic: string;
  /** The real cohort folders (imported), by name. */
  real: ReadonlyArray<{ name: string; dir: string }>;
  /** Folder for the trained models: `synthetic-only/`, `without-<name>/`. */
  out: string;
  spec: PreprocessSpec;
  preset: string;
  modelOverrides?: ModelConfigInput;
  training: TrainConfig;
  /** Sampling weight of each real cohort in training (the synthetic one has 1). */
  weight: number;
  /** Few-shot episodes on each held-out set: K, Q, how many, seed. */
  shots: number;
  queries: number;
  episodes: number;
  seed: number;
  /** A line per stage, for a progress display. */
  onStage?: (line: string) => void;
}

/** The result for one held-out real set. */
export interface LodoHeldOut {
  name: string;
  dir: string;
  /** The real sets the mixed model was trained on besides the synthetic cohort. */
  trainedWith: string[];
  /** Classes of the held-out set with at least K + Q patients, with their recordings and patients. */
  pool: Record<string, { recordings: number; patients: number }>;
  /** Why no model was trained and no episodes were run (fewer than two classes with K + Q patients), or null. */
  skipped: string | null;
  /** The synthetic-only model and the mixed model, on the same episodes. */
  methods: EpisodeResult[];
}

export interface LodoResult {
  shots: number;
  queries: number;
  episodes: number;
  seed: number;
  weight: number;
  heldOut: LodoHeldOut[];
}

/** Train one model on a prepared cohort into `dir` and load it back, calibrated. */
async function trainInto(o: LodoOptions, prepared: PreparedCohort, dir: string): Promise<TrainedModelDir> {
  const result = await trainModel({
    prepared,
    outDir: dir,
    preset: o.preset,
    seed: o.seed,
    training: o.training,
    ...(o.modelOverrides ? { modelOverrides: o.modelOverrides } : {}),
  });
  result.model.dispose();
  return readModelDir(dir);
}

/**
 * The classes of a held-out cohort (in the models' clinical schema, `conformCohort`) that N-way K-shot
 * Q-query episodes can use: those with at least K + Q patients, each recording counted under its first
 * class, as `loadDataset` labels it.
 */
function heldOutPool(o: LodoOptions, cohort: Cohort): Pick<LodoHeldOut, 'pool' | 'skipped'> {
  const need = o.shots + o.queries;
  const byClass = new Map<string, { recordings: number; patients: Set<string> }>();
  for (const row of cohort.rows) {
    const c = row.labels[0] as string;
    const entry = byClass.get(c) ?? { recordings: 0, patients: new Set<string>() };
    entry.recordings++;
    entry.patients.add(row.patientId);
    byClass.set(c, entry);
  }
  const pool: LodoHeldOut['pool'] = {};
  for (const [c, { recordings, patients }] of [...byClass].sort((a, b) => a[0].localeCompare(b[0])))
    if (patients.size >= need) pool[c] = { recordings, patients: patients.size };
  const enough = Object.keys(pool).length >= 2;
  return { pool, skipped: enough ? null : `fewer than two classes have ${need} patients (K + Q)` };
}

/**
 * Few-shot evaluation of `models` on one held-out cohort (already conformed) over the classes of
 * `pool`: N-way K-shot Q-query episodes over all of them (N = those classes), drawn as `fewbeat eval`
 * draws them (`EpisodeSampler`: every child at most once per episode, so support and queries never
 * share a patient). Every model answers the same episodes.
 */
function evaluateHeldOut(
  o: LodoOptions,
  cohort: Cohort,
  pool: LodoHeldOut['pool'],
  models: ReadonlyArray<{ name: string; trained: TrainedModelDir }>,
): EpisodeResult[] {
  const classes = Object.keys(pool);
  const first = models[0]?.trained as TrainedModelDir;
  // each recording under its first class, as the pool counted it
  const rows = cohort.rows.filter((r) => classes.includes(r.labels[0] as string));
  const examples = loadDataset({ ...cohort, rows }, first.spec).examples;
  const shape = { ways: classes.length, shots: o.shots, queries: o.queries };
  const episodes = new EpisodeSampler(examples, { ...shape, classes, seed: o.seed }).episodes(o.episodes);
  return models.map((m) => modelEpisodeResult(m.name, m.trained, examples, episodes, shape));
}

/**
 * Leave-one-dataset-out evaluation over two or more real sets. A synthetic-only model is trained on
 * `synthetic`; then, for each real set h, a model on the mix of `synthetic` and every real set but h
 * (`prepareMixedCohort`, each real set with sampling weight `weight`), and both models answer the same
 * few-shot episodes on h ({@link evaluateHeldOut}). The held-out classes may include base classes of
 * training (sinus rhythm, atrial fibrillation): the question is how well a few labelled recordings of
 * a new dataset — other devices, ages and lead sets — serve as prototypes, and whether real training
 * data helps.
 */
export async function leaveOneDatasetOut(o: LodoOptions): Promise<LodoResult> {
  if (o.real.length < 2)
    throw new FewbeatError(`leave-one-dataset-out needs two or more real sets, got ${o.real.length}`);
  const names = o.real.map((r) => r.name);
  const twice = names.find((n, i) => names.indexOf(n) !== i);
  if (twice !== undefined) throw new FewbeatError(`real set ${twice} is named twice`);
  const synthetic = readCohort(o.synthetic);
  const real = o.real.map((r) => ({ ...r, cohort: readCohort(r.dir) }));
  o.onStage?.('training the synthetic-only model');
  const syntheticOnly = await trainInto(
    o,
    prepareCohort(synthetic, o.spec, { seed: o.seed }),
    join(o.out, 'synthetic-only'),
  );
  const heldOut: LodoHeldOut[] = [];
  try {
    for (const h of real) {
      const others = real.filter((r) => r !== h);
      const trainedWith = others.map((r) => r.name);
      const cohort = conformCohort(h.cohort, synthetic.schema);
      const { pool, skipped } = heldOutPool(o, cohort);
      if (skipped !== null) {
        heldOut.push({ name: h.name, dir: h.dir, trainedWith, pool, skipped, methods: [] });
        continue;
      }
      o.onStage?.(`training on synthetic + ${trainedWith.join(' + ')} (${h.name} held out)`);
      const prepared = prepareMixedCohort(
        [
          { cohort: synthetic, weight: 1 },
          ...others.map((r) => ({ cohort: r.cohort, weight: o.weight, origin: r.dir })),
        ],
        o.spec,
        { seed: o.seed },
      );
      const mixed = await trainInto(o, prepared, join(o.out, `without-${h.name}`));
      try {
        o.onStage?.(`evaluating on ${h.name}`);
        const models = [
          { name: 'synthetic only', trained: syntheticOnly },
          { name: ['synthetic', ...trainedWith].join(' + '), trained: mixed },
        ];
        const methods = evaluateHeldOut(o, cohort, pool, models);
        heldOut.push({ name: h.name, dir: h.dir, trainedWith, pool, skipped: null, methods });
      } finally {
        mixed.model.dispose();
      }
    }
  } finally {
    syntheticOnly.model.dispose();
  }
  return { shots: o.shots, queries: o.queries, episodes: o.episodes, seed: o.seed, weight: o.weight, heldOut };
}

/** One table per held-out set: the pool, then each model's episode accuracy (95 % CI) and balanced accuracy. */
export function formatLodo(r: LodoResult): string {
  const lines: string[] = [];
  for (const h of r.heldOut) {
    const pool = Object.entries(h.pool)
      .map(([c, p]) => `${c} ${p.recordings} recordings of ${p.patients} patients`)
      .join(', ');
    lines.push(
      `held out: ${h.name} (trained on synthetic${h.trainedWith.map((n) => ` + ${n}`).join('')}, weight ${r.weight})`,
    );
    if (h.skipped) {
      lines.push(`  skipped: ${h.skipped}`, '');
      continue;
    }
    lines.push(
      `  ${Object.keys(h.pool).length}-way ${r.shots}-shot ${r.queries}-query, ${r.episodes} episodes (${pool})`,
      `  ${episodeResultHeader('model', 36)}`,
      ...h.methods.map((m) => `  ${episodeResultRow(m, 36)}`),
    );
    lines.push('');
  }
  return lines.join('\n').trimEnd();
}
