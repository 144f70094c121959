import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import type { PreparedCohort } from '../data/prepare-cohort.js';
import { EpisodeSampler } from '../data/episode-sampler.js';
import { patientWeight } from '../data/cohort-mix.js';
import { FewbeatError } from '../errors.js';
import { loadModel, saveModel } from '../models/checkpoint.js';
import type { ModelConfigInput } from '../models/config.js';
import { FewbeatModel } from '../models/model.js';
import { loadPreset } from '../models/presets.js';
import { classifierOf } from '../model-dir/train-config.js';
import { writeFileAtomic } from '../util/atomic-write.js';
import { withContentHash } from '../util/content-hash.js';
import { calibrateOnValidation, calibrationEpisodes, contextGateChoice } from './calibrate.js';
import { CHECKPOINT_DIR, loadCheckpoint, saveCheckpoint } from './checkpoint.js';
import { EpisodicTask } from './episodic-task.js';
import { modelCard } from './model-card.js';
import type { ModelDirExtra } from '../model-dir/model-dir.js';
import { createStepRunner } from './step-runner.js';
import { poolOnLeadSet, VALIDATION_LEAD_SETS } from '../data/lead-sets.js';
import type { TrainConfig } from '../model-dir/train-config.js';
import { trainEpisodes, type LoopTiming, type TrainerHooks, type TrainerState } from './trainer.js';
import { feasibleShape, Validator } from './model-selection.js';

export interface TrainModelOptions {
  prepared: PreparedCohort;
  outDir: string;
  preset: string;
  seed: number;
  training: TrainConfig;
  /** Model-config changes over the preset (e.g. `{ fusion: 'early' }` for an ablation). */
  modelOverrides?: ModelConfigInput;
  /** Continue from `outDir/checkpoint` when it exists. */
  resume?: boolean;
  /** Progress display (e.g. the cli-progress bar). */
  onStep?: TrainerHooks['onStep'];
}

export interface TrainModelResult {
  model: FewbeatModel;
  state: TrainerState;
  extra: ModelDirExtra;
  seconds: number;
}

/**
 * Meta-train a model on the base classes of a prepared cohort and write the model directory:
 *
 *     config.json, weights-*.{bin,json}   the best model by validation accuracy (saveModel)
 *     checkpoint/                         the latest state, for `--resume`
 *     metrics.json                        loss history, validation curve, best episode, timing, and for a
 *                                         mixed cohort its cohorts and weights (format
 *                                         "fewbeat-training-metrics" 1, self-hashed)
 *     MODEL_CARD.md                       data, intended use, limits, validation metrics by age band and lead set
 */
export async function trainModel(options: TrainModelOptions): Promise<TrainModelResult> {
  const { prepared, outDir, seed, training } = options;
  const started = performance.now();
  const spec = prepared.dataset.spec;
  const overrides = options.modelOverrides ?? {};
  const config = loadPreset(options.preset, {
    ...overrides,
    ecg: { ...overrides.ecg, leads: spec.leads.length, samples: spec.samples },
    clinical: { ...overrides.clinical, inputDim: prepared.encoder.size },
  });
  const optimizer = tf.train.adam(training.learningRate);
  const checkpointDir = join(outDir, CHECKPOINT_DIR);
  let model: FewbeatModel;
  let resumeFrom: TrainerState | undefined;
  if (options.resume && existsSync(join(checkpointDir, 'config.json'))) {
    const restored = await loadCheckpoint(checkpointDir, optimizer);
    model = restored.model;
    resumeFrom = restored.state;
  } else {
    model = new FewbeatModel(config, seed);
  }

  const mix = prepared.mix;
  const train = feasibleShape(prepared.parts.train, training);
  if (!train)
    throw new FewbeatError(
      `no two base classes have ${training.shots + training.queries} training patients each ` +
        `for ${training.shots}-shot ${training.queries}-query episodes`,
    );
  const sampler = new EpisodeSampler(prepared.parts.train, {
    ways: Math.min(training.ways, train.classes.length),
    shots: training.shots,
    queries: training.queries,
    classes: prepared.classes.base.filter((c) => train.classes.includes(c)),
    seed,
    ...(mix ? { patientWeight: (p: string) => patientWeight(mix, p) } : {}),
  });
  const validator = Validator.ofTraining(prepared.parts.val, prepared.encoder, training, seed);
  const classIndex = new Map([...prepared.classes.base, ...prepared.classes.novel].map((c, i) => [c, i]));
  const extra: ModelDirExtra = {
    preprocessing: spec,
    clinical: prepared.encoder.state,
    classes: prepared.classes,
    training,
    abstention: null,
    cohort: prepared.dataset.cohort.dir,
    ...(mix ? { cohorts: mix.cohorts } : {}),
    preset: options.preset,
  };
  const runner = await createStepRunner(model, training);
  const task = new EpisodicTask(
    model,
    training,
    optimizer,
    { dim: config.ecg.embedDim, classes: classIndex.size },
    runner,
  );
  const timing = {} as LoopTiming;
  let state: TrainerState;
  try {
    state = await trainEpisodes({
      task,
      sampler,
      pool: prepared.parts.train,
      encoder: prepared.encoder,
      classIndex,
      validator,
      seed,
      timing,
      ...(resumeFrom ? { resumeFrom } : {}),
      hooks: {
        ...(options.onStep ? { onStep: options.onStep } : {}),
        onImproved: async () => saveModel(outDir, model, { ...extra }),
        onCheckpoint: async (s) => saveCheckpoint(checkpointDir, model, optimizer, s, { ...extra }),
      },
    });
  } finally {
    await runner.dispose();
    task.dispose();
    optimizer.dispose();
    model.dispose();
  }

  // The best model (by validation accuracy) is what the directory holds; calibrate it.
  const best = loadModel(outDir).model;
  const calibrator =
    calibrationEpisodes(training) === training.validationEpisodes
      ? validator
      : Validator.ofTraining(prepared.parts.val, prepared.encoder, training, seed, calibrationEpisodes(training));
  const gate = contextGateChoice(training);
  const calibration = calibrateOnValidation(calibrator, best, {
    classifier: classifierOf(training),
    ...(gate ? { contextGate: gate } : {}),
  });
  extra.prototypeSpace = calibration.prototypeSpace;
  extra.abstention = calibration.abstention;
  extra.probabilityTemperatures = calibration.probabilityTemperatures;
  extra.contextGate = calibration.contextGate;
  saveModel(outDir, best, { ...extra });
  const byAgeBand = validator.accuracyByAgeBand(best, calibration.prototypeSpace);
  const byLeadSet = VALIDATION_LEAD_SETS.map((set) => ({
    lead_set: set.name,
    accuracy: validator.accuracy(
      best,
      calibration.prototypeSpace,
      poolOnLeadSet(prepared.dataset, prepared.parts.val, set),
    ),
  }));
  const seconds = (performance.now() - started) / 1000;
  const metrics = {
    format: 'fewbeat-training-metrics',
    version: 1,
    episodes: state.episode,
    stopped_early: state.stoppedEarly,
    best: state.best,
    validation: state.validation,
    validation_shape: validator.shape,
    validation_by_age_band: byAgeBand,
    validation_by_lead_set: byLeadSet,
    prototype_space: calibration.prototypeSpace,
    prototype_space_validation: calibration.accuracies,
    probability_temperatures: calibration.probabilityTemperatures,
    context_gate: calibration.contextGate,
    context_gate_use: calibration.contextUse,
    training_classes: sampler.classes,
    ...(mix ? { cohorts: mix.cohorts } : {}),
    seconds,
    loop_timing: timing,
    history: state.history,
  };
  const finite = (_k: string, v: unknown): unknown => (typeof v === 'number' && !Number.isFinite(v) ? null : v);
  // Non-finite numbers become null first, so the content hash is that of the file as written.
  const written = JSON.parse(JSON.stringify(metrics, finite)) as Record<string, unknown>;
  writeFileAtomic(join(outDir, 'metrics.json'), `${JSON.stringify(withContentHash(written), null, 1)}\n`);
  writeFileAtomic(
    join(outDir, 'MODEL_CARD.md'),
    modelCard({
      prepared,
      extra,
      state,
      byAgeBand,
      byLeadSet,
      trainingClasses: [...sampler.classes],
      seconds,
      preset: options.preset,
      seed,
    }),
  );
  if (state.episode >= training.episodes || state.stoppedEarly) rmSync(checkpointDir, { recursive: true, force: true });
  return { model: best, state, extra, seconds };
}
