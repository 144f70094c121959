import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { ClinicalEncoder, type ClinicalEncoderState } from '../clinical/encode.js';
import type { PreprocessSpec } from '../data/preprocess.js';
import type { CohortMixEntry } from '../data/cohort-mix.js';
import { FewbeatError } from '../errors.js';
import { loadModel } from '../models/checkpoint.js';
import type { FewbeatModel } from '../models/model.js';
import { contextGateSchema, type ContextGate } from '../fewshot/context-gate.js';
import type { FewShotHeadConfig } from '../fewshot/few-shot-head.js';
import { prototypeSpaceSchema, type PrototypeSpace } from '../fewshot/prototype-space.js';
import { classifierOf, trainConfigSchema, type TrainConfig } from './train-config.js';

const byShots = z.record(z.string().regex(/^[1-9][0-9]*$/, 'keys are shot counts'), z.number().finite());

/**
 * The fewbeat-specific fields of a model directory's config.json (beside `format`, `version`,
 * `seed`, `model` and `weights`, which `saveModel` owns):
 *
 *     preprocessing            { fs, samples, leads, bandpassHz, filterOrder }: how records become input
 *     clinical                 the fitted clinical encoder:
 *                              { version, schema, numeric: { field: { mean, sd, byAgeBand? } } }
 *     classes                  { base: [...], novel: [...] }: what meta-training saw and what it held out
 *     training                 the episodic training settings (TrainConfig)
 *     cohort, preset           the manifest folder it was trained on, the model preset it was built from
 *     cohorts                  a mixed cohort's cohorts: [{ name, dir, weight }], the primary first (absent otherwise)
 *     prototypeSpace           where prototypes live (fused z, [h; √α·g] or [ĥ; w·m̃]), chosen on validation episodes
 *     abstention               { quantile, thresholds: { "<shots>": squared distance } } or null
 *     probabilityTemperatures  { "<shots>": T } of the classifier's probabilities, fitted on validation queries
 *     contextGate              { share κ, weight β, margin } of the clinical-context gate, or null (never)
 *
 * The last four are written by calibration at the end of training (and by `fewbeat recalibrate`).
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
  prototypeSpace: prototypeSpaceSchema,
  abstention: z.object({ quantile: z.number().min(0).max(1), thresholds: byShots }).nullable(),
  probabilityTemperatures: z.record(z.string().regex(/^[1-9][0-9]*$/), z.number().positive().finite()),
  contextGate: contextGateSchema.nullable(),
});

/** The fields of config.json beside the model's own; the calibration fields are absent while training runs. */
export interface ModelDirExtra {
  preprocessing: PreprocessSpec;
  clinical: ClinicalEncoderState;
  classes: { base: string[]; novel: string[] };
  training: TrainConfig;
  cohort: string;
  /** The cohorts of a mixed training cohort with their sampling weights, the primary first. */
  cohorts?: CohortMixEntry[];
  preset: string;
  abstention: FewShotHeadConfig['abstention'];
  prototypeSpace?: PrototypeSpace;
  probabilityTemperatures?: Record<string, number>;
  contextGate?: ContextGate | null;
}

/** A trained model directory, loaded for evaluation, enrolment or prediction. */
export interface TrainedModelDir {
  dir: string;
  model: FewbeatModel;
  spec: PreprocessSpec;
  encoder: ClinicalEncoder;
  extra: ModelDirExtra;
  /** The space the few-shot head's vectors live in. */
  space: PrototypeSpace;
  /** The few-shot head's configuration (src/fewshot/few-shot-head.ts), parsed from config.json. */
  head: FewShotHeadConfig;
}

/** SHA-256 of a model directory's config.json (which names its weights): the model's identity. */
export function modelConfigSha256(modelDir: string): string {
  return createHash('sha256')
    .update(readFileSync(join(modelDir, 'config.json')))
    .digest('hex');
}

/**
 * Load `dir` (written by `fewbeat train`): weights, preprocessing, clinical encoder, classes, and the
 * few-shot head's configuration, each field checked (a FewbeatError naming config.json and the field).
 */
export function readModelDir(dir: string): TrainedModelDir {
  const { model, extra } = loadModel(dir);
  const file = join(dir, 'config.json');
  const parsed = modelDirExtraSchema.safeParse(extra);
  const training = parsed.success ? trainConfigSchema.safeParse(parsed.data.training ?? {}) : null;
  if (!parsed.success || !training?.success) {
    model.dispose();
    const issue = parsed.success ? training?.error?.issues[0] : parsed.error.issues[0];
    const path = parsed.success ? ['training', ...(issue?.path ?? [])] : (issue?.path ?? []);
    throw new FewbeatError(
      `${path.join('.') || 'config'}: ${issue?.message ?? 'invalid'} ` +
        '(not a model trained and calibrated by fewbeat train?)',
      { file },
    );
  }
  const e = parsed.data;
  const mismatch = preprocessingMismatch(e.preprocessing, model);
  if (mismatch !== null) {
    model.dispose();
    throw new FewbeatError(`preprocessing: ${mismatch} (the configuration does not go with these weights)`, { file });
  }
  const full = { ...(extra as unknown as ModelDirExtra), training: training.data };
  return {
    dir,
    model,
    spec: e.preprocessing,
    encoder: new ClinicalEncoder(e.clinical as unknown as ClinicalEncoderState),
    extra: full,
    space: e.prototypeSpace,
    head: {
      classifier: classifierOf(training.data),
      contextGate: e.contextGate,
      probabilityTemperatures: e.probabilityTemperatures,
      abstention: e.abstention,
    },
  };
}

/**
 * Why the preprocessing configuration cannot feed this model, or null when it can: the encoder takes
 * `leads` × `samples` input, and the band-pass must lie inside (0, fs/2).
 */
function preprocessingMismatch(p: PreprocessSpec, model: FewbeatModel): string | null {
  const { leads, samples } = model.config.ecg;
  if (p.leads.length !== leads) return `${p.leads.length} leads, the model's encoder takes ${leads}`;
  if (p.samples !== samples) return `${p.samples} samples, the model's encoder takes ${samples}`;
  if (new Set(p.leads).size !== p.leads.length) return `lead names repeat (${p.leads.join(', ')})`;
  const [lo, hi] = p.bandpassHz;
  if (!(lo > 0 && lo < hi && hi < p.fs / 2))
    return `band-pass [${lo}, ${hi}] Hz is not inside (0, ${p.fs / 2}) Hz with low < high`;
  return null;
}
