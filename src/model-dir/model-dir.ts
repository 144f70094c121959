import { join } from 'node:path';
import { z } from 'zod';
import { ClinicalEncoder, type ClinicalEncoderState } from '../clinical/encode.js';
import type { PreprocessSpec } from '../data/preprocess.js';
import { FewbeatError } from '../errors.js';
import { loadModel } from '../models/checkpoint.js';
import type { FewbeatModel } from '../models/model.js';
import { embedAll } from '../fewshot/embed.js';
import type { ContextGate } from '../fewshot/context-gate.js';
import { inSpace, type PrototypeSpace } from '../fewshot/prototype-space.js';
import type { BatchSource } from '../data/batch.js';
import { trainConfigSchema, type TrainConfig } from './train-config.js';

/**
 * The fewbeat-specific fields of a model directory's config.json (beside `format`, `version`,
 * `seed`, `model` and `weights`, which `saveModel` owns):
 *
 *     preprocessing  { fs, samples, leads, bandpassHz, filterOrder }: how records become input
 *     clinical       the fitted clinical encoder: { version, schema, numeric: { field: { mean, sd, byAgeBand? } } }
 *     classes        { base: [...], novel: [...] }: what meta-training saw and what it held out
 *     training       the episodic training settings (TrainConfig)
 *     abstention     { quantile, thresholds: { "<shots>": squared distance } } calibrated on validation data
 *     cohort         the manifest folder it was trained on
 *     preset         the model preset it was built from
 *     prototypeSpace where prototypes live (fused z, or [h; √α·g]), chosen on validation episodes
 *     probabilityTemperatures  { "<shots>": T } of the classifier's probabilities (temperature scaling), fitted on validation queries
 *     contextGate    { share κ, weight β, margin }: when the support set lets the clinical context join the classifier (null or absent: never)
 */
const modelDirExtraSchema = z.looseObject({
  preprocessing: z.object({
    fs: z.number().positive(),
    samples: z.number().int().positive(),
    leads: z.array(z.string()).min(1),
    bandpassHz: z.tuple([z.number(), z.number()]),
    filterOrder: z.number().int().positive(),
  }),
  clinical: z.looseObject({ version: z.literal(1), schema: z.unknown(), numeric: z.record(z.string(), z.unknown()) }),
  classes: z.object({ base: z.array(z.string()), novel: z.array(z.string()) }),
  training: z.unknown(),
  abstention: z.object({ quantile: z.number(), thresholds: z.record(z.string(), z.number()) }).nullable(),
  probabilityTemperatures: z.record(z.string(), z.number().positive().finite()).optional(),
});

export interface ModelDirExtra {
  preprocessing: PreprocessSpec;
  clinical: ClinicalEncoderState;
  classes: { base: string[]; novel: string[] };
  training: TrainConfig;
  abstention: { quantile: number; thresholds: Record<string, number> } | null;
  cohort: string;
  preset: string;
  /** Absent in directories written before the choice existed: `fused`. */
  prototypeSpace?: PrototypeSpace;
  /** Temperature of the few-shot classifier's probabilities (`scaleProbabilities`) by support size; absent (older directories): 1. */
  probabilityTemperatures?: Record<string, number>;
  /** The clinical-context gate (src/fewshot/context-gate.ts); absent (older directories) or null: the context never joins the classifier. */
  contextGate?: ContextGate | null;
}

/** A trained model directory, loaded for evaluation, enrolment or prediction. */
export interface TrainedModelDir {
  dir: string;
  model: FewbeatModel;
  spec: PreprocessSpec;
  encoder: ClinicalEncoder;
  extra: ModelDirExtra;
}

/** Load `dir` (written by `fewbeat train`): weights, preprocessing, clinical encoder and classes. */
export function readModelDir(dir: string): TrainedModelDir {
  const { model, extra } = loadModel(dir);
  const parsed = modelDirExtraSchema.safeParse(extra);
  if (!parsed.success) {
    model.dispose();
    const issue = parsed.error.issues[0];
    throw new FewbeatError(
      `${issue?.path.join('.') ?? 'config'}: ${issue?.message ?? 'invalid'} (not a model trained by fewbeat train?)`,
      { file: join(dir, 'config.json') },
    );
  }
  const e = extra as unknown as ModelDirExtra;
  const full: ModelDirExtra = { ...e, training: trainConfigSchema.parse(e.training ?? {}) };
  return { dir, model, spec: e.preprocessing, encoder: new ClinicalEncoder(e.clinical), extra: full };
}

/** The value calibrated for the shot count nearest `shots` in a `{ "<shots>": value }` record, the smaller on a tie (null when empty). */
function atNearestShots(byShots: Record<string, number>, shots: number): { value: number; shots: number } | null {
  const entries = Object.entries(byShots).map(([k, v]) => [Number(k), v] as const);
  if (entries.length === 0) return null;
  const [k, value] = entries.sort((a, b) => Math.abs(a[0] - shots) - Math.abs(b[0] - shots))[0] as readonly [
    number,
    number,
  ];
  return { value, shots: k };
}

/** The abstention threshold for a bank of `shots` examples per class: the calibrated one with the nearest shot count. */
export function abstentionThreshold(
  extra: ModelDirExtra,
  shots: number,
): { threshold: number; quantile: number; shots: number } | null {
  if (!extra.abstention) return null;
  const nearest = atNearestShots(extra.abstention.thresholds, shots);
  return nearest ? { threshold: nearest.value, quantile: extra.abstention.quantile, shots: nearest.shots } : null;
}

/** The probability temperature for `shots` support examples per class: the calibrated one with the nearest shot count, else 1. */
export function probabilityTemperature(extra: ModelDirExtra, shots: number): number {
  return atNearestShots(extra.probabilityTemperatures ?? {}, shots)?.value ?? 1;
}

/** The vectors a trained model's prototypes are built from, for these recordings (its prototype space). */
export function prototypeVectors(trained: TrainedModelDir, items: readonly BatchSource[]): Float32Array[] {
  const embeddings = embedAll(trained.model, items, trained.encoder, {
    clinicalInput: trained.extra.training.clinicalInput,
  });
  return inSpace(embeddings, trained.extra.prototypeSpace ?? { kind: 'fused' });
}
