import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Example } from '../../data/dataset.js';
import type { PreparedCohort } from '../../data/prepare-cohort.js';
import type { PoolVectors } from '../../fewshot/classify-episode.js';
import { describeSpace } from '../../fewshot/prototype-space.js';
import type { TrainedModelDir } from '../../model-dir/model-dir.js';
import { modelVectors, prototypeVectors } from '../../model-dir/model-vectors.js';
import type { StepRecord } from '../../train/trainer.js';
import { FewbeatError } from '../../errors.js';
import { checkContentHash } from '../../util/content-hash.js';
import type { EmbeddingSet, ReportData, TrainingHistory } from '../report/report-data.js';
import { embeddingMethod, evaluateMethods, type EvaluationMethod, type RunMetrics } from './evaluate.js';
import { evaluationSettings, type SettingsOptions } from './evaluation-settings.js';
import { headPredictions } from './episode-predictions.js';
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
 * A trained model as an evaluation method: each episode is classified by the model's few-shot head
 * (src/fewshot/few-shot-head.ts) fitted on its support set, from the recordings' vectors in the
 * model's prototype space (computed once per pool and reused by every episode of every setting).
 */
export function modelMethod(name: string, trained: TrainedModelDir): EvaluationMethod {
  const cache = new Map<readonly Example[], PoolVectors>();
  return {
    name,
    predict(setting) {
      let vectors = cache.get(setting.pool);
      if (!vectors) cache.set(setting.pool, (vectors = modelVectors(trained, setting.pool)));
      return headPredictions(setting.episodes, setting.pool, vectors, trained.head);
    },
  };
}

/**
 * Evaluate a trained model on a prepared cohort: every setting (novel K-shot, generalised), with
 * the baselines and ablations on the same episodes. Baselines always run: clinical context alone
 * (the encoded clinical vector, nearest prototype) and handcrafted ECG measurements; trained
 * baselines and ablations run when their models are given.
 */
export function runEvaluation(
  trained: TrainedModelDir,
  prepared: PreparedCohort,
  options: RunEvaluationOptions,
): { metrics: RunMetrics; embeddings: EmbeddingSet } {
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
    description: `${describeSpace(trained.space)} of the ${novelPool.length} novel-class recordings`,
    points: novelPool.map((e, i) => ({
      vector: Array.from(fused[i] as Float32Array),
      label: e.label,
      ageBand: e.ageBand,
    })),
    seed: options.seed,
  };
  return { metrics, embeddings };
}

/**
 * The learning curves stored in a model directory's metrics.json, for the report; a file that is not
 * JSON or does not match its content hash is refused in one line.
 */
export function trainingHistory(modelDir: string): TrainingHistory | undefined {
  const file = join(modelDir, 'metrics.json');
  if (!existsSync(file)) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new FewbeatError(`not valid JSON: ${(e as Error).message}`, { file });
  }
  checkContentHash(json, file, 'train the model again');
  const m = json as {
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
        prototype_space: trained.space,
        context_gate: trained.head.contextGate,
        training: trained.extra.training,
      },
    },
    ...(history ? { history } : {}),
    embeddings: result.embeddings,
  };
}
