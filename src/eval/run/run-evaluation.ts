import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Example } from '../../data/dataset.js';
import type { PreparedCohort } from '../../data/prepare-cohort.js';
import { describeSpace } from '../../fewshot/prototype-space.js';
import { classifierOf } from '../../model-dir/train-config.js';
import { contextGateOf } from '../../fewshot/context-gate.js';
import { scaleProbabilities } from '../../fewshot/temperature-scaling.js';
import { supportAugmentationOf, type AugmentedVectors } from '../../fewshot/support-augmentation.js';
import { modelVectorsWithViews } from '../../model-dir/model-vectors.js';
import { calibrationEpisodes } from '../../train/calibrate.js';
import { probabilityTemperature, prototypeVectors, type TrainedModelDir } from '../../model-dir/model-dir.js';
import { Validator } from '../../train/validate.js';
import type { StepRecord } from '../../train/trainer.js';
import type { EmbeddingSet, ReportData, TrainingHistory } from '../report/report-data.js';
import { embeddingMethod, evaluateMethods, type EvaluationMethod, type RunMetrics } from './evaluate.js';
import { evaluationSettings, type SettingsOptions } from './evaluation-settings.js';
import { augmentedEpisodePredictions } from './episode-predictions.js';
import { handcraftedEmbeddings } from './handcrafted-features.js';

/** Options of {@link runEvaluation}. */
export interface RunEvaluationOptions extends SettingsOptions {
  /** Trained baseline models by name (`ecg-only-protonet`, ...), evaluated like the full model. */
  baselineModels?: ReadonlyMap<string, TrainedModelDir>;
  /** Trained ablated variants by name (`no-contrastive`, `fusion-early`, ...). */
  ablationModels?: ReadonlyMap<string, TrainedModelDir>;
  /** Skip the handcrafted-features baseline (it re-reads and measures every recording). */
  skipHandcrafted?: boolean;
}

/**
 * A model's vectors in its prototype space as an evaluation method, classified the way the model
 * classifies ({@link classifierOf}): a softmax classifier fitted on each episode's support set, or
 * the nearest prototype; probabilities at the model's calibrated temperature.
 */
export function modelMethod(name: string, trained: TrainedModelDir): EvaluationMethod {
  return withTemperature(classifierMethod(name, trained), (shots) => probabilityTemperature(trained.extra, shots));
}

function classifierMethod(name: string, trained: TrainedModelDir): EvaluationMethod {
  const augmentation = supportAugmentationOf(trained.extra, join(trained.dir, 'config.json'));
  const classifier = classifierOf(trained.extra.training);
  // The pool's vectors (with their augmented views and clinical context, when the model has them)
  // are computed once per pool and reused by every episode of every setting on it.
  const cache = new Map<readonly Example[], AugmentedVectors>();
  return {
    name,
    predict(setting) {
      let vectors = cache.get(setting.pool);
      if (!vectors) cache.set(setting.pool, (vectors = modelVectorsWithViews(trained, setting.pool, augmentation)));
      return augmentedEpisodePredictions(setting.episodes, setting.pool, vectors, classifier, augmentation.testTime);
    },
  };
}

/** `method` with its probabilities temperature-scaled (`scaleProbabilities`) at the setting's shot count; the predictions do not change. */
function withTemperature(method: EvaluationMethod, temperatureAt: (shots: number) => number): EvaluationMethod {
  return {
    name: method.name,
    predict(setting) {
      const temperature = temperatureAt(setting.shape.shots);
      const predictions = method.predict(setting);
      return temperature === 1
        ? predictions
        : predictions.map((q) => ({ ...q, probabilities: scaleProbabilities(q.probabilities, temperature) }));
    },
  };
}

/**
 * Evaluate a trained model on a prepared cohort: every setting (novel K-shot, generalised), with
 * the baselines and ablations on the same episodes. Baselines always run: clinical context alone
 * (the encoded clinical vector, nearest prototype) and handcrafted ECG measurements; trained
 * baselines and ablations run when their models are given.
 */
/**
 * Models saved before the prototype space was chosen at the end of training get it chosen now, the
 * same way: on the validation episodes of held-out base-class patients (never novel classes).
 */
export function ensurePrototypeSpace(trained: TrainedModelDir, prepared: PreparedCohort): void {
  if (trained.extra.prototypeSpace) return;
  const t = trained.extra.training;
  const validator = Validator.ofTraining(
    prepared.parts.val,
    trained.encoder,
    t,
    trained.model.seed,
    calibrationEpisodes(t),
  );
  trained.extra.prototypeSpace =
    t.objective === 'supervised' ? { kind: 'fused' } : validator.choosePrototypeSpace(trained.model).space;
}

export function runEvaluation(
  trained: TrainedModelDir,
  prepared: PreparedCohort,
  options: RunEvaluationOptions,
): { metrics: RunMetrics; embeddings: EmbeddingSet } {
  for (const m of [trained, ...(options.baselineModels?.values() ?? []), ...(options.ablationModels?.values() ?? [])])
    ensurePrototypeSpace(m, prepared);
  const settings = evaluationSettings(prepared, options);
  const full = modelMethod('full', trained);
  const baselines: EvaluationMethod[] = [];
  for (const [name, model] of options.baselineModels ?? []) baselines.push(modelMethod(name, model));
  baselines.push(embeddingMethod('clinical-only', (pool) => pool.map((e) => trained.encoder.encode(e))));
  if (!options.skipHandcrafted)
    baselines.push(embeddingMethod('handcrafted-features', (pool) => handcraftedEmbeddings(pool)));
  const ablations = [...(options.ablationModels ?? [])].map(([name, model]) => modelMethod(name, model));
  const metrics = evaluateMethods(settings, full, baselines, ablations);
  // The embedding map: every novel-class recording, coloured by class and age band in the report.
  const novelPool: readonly Example[] = settings[0]?.pool ?? [];
  const fused = prototypeVectors(trained, novelPool);
  const embeddings: EmbeddingSet = {
    description: `${describeSpace(trained.extra.prototypeSpace ?? { kind: 'fused' })} of the ${novelPool.length} novel-class recordings`,
    points: novelPool.map((e, i) => ({
      vector: Array.from(fused[i] as Float32Array),
      label: e.label,
      ageBand: e.ageBand,
    })),
    seed: options.seed,
  };
  return { metrics, embeddings };
}

/** The learning curves stored in a model directory's metrics.json, for the report. */
export function trainingHistory(modelDir: string): TrainingHistory | undefined {
  const file = join(modelDir, 'metrics.json');
  if (!existsSync(file)) return undefined;
  const m = JSON.parse(readFileSync(file, 'utf8')) as {
    history?: StepRecord[];
    validation?: Array<{ episode: number; accuracy: number | null }>;
  };
  return {
    steps: (m.history ?? []).map((s) => ({
      episode: s.episode,
      losses: { total: s.loss, contrastive: s.contrastive, class: s.class, consistency: s.consistency },
      learningRate: s.learningRate,
    })),
    validation: (m.validation ?? []).filter(
      (v): v is { episode: number; accuracy: number } => typeof v.accuracy === 'number',
    ),
  };
}

/** Everything `writeReport` needs for one evaluation run. */
export function reportData(
  trained: TrainedModelDir,
  result: { metrics: RunMetrics; embeddings: EmbeddingSet },
  run: { command: string; seconds: number; seed: number; cohort: string },
): ReportData {
  const history = trainingHistory(trained.dir);
  return {
    metrics: result.metrics,
    run: {
      createdAt: new Date().toISOString(),
      command: run.command,
      seed: run.seed,
      cohort: run.cohort,
      durationSeconds: run.seconds,
      details: {
        model: trained.dir,
        base_classes: trained.extra.classes.base,
        novel_classes: trained.extra.classes.novel,
        preprocessing: trained.spec,
        fusion: trained.model.config.fusion,
        prototype_space: trained.extra.prototypeSpace ?? { kind: 'fused' },
        support_augmentation: supportAugmentationOf(trained.extra),
        context_gate: contextGateOf(trained.extra),
        training: trained.extra.training,
      },
    },
    ...(history ? { history } : {}),
    embeddings: result.embeddings,
  };
}
