import { z } from 'zod';
import { FewbeatError } from '../../errors.js';
import { MetricsJsonSchema } from '../metrics/metrics-schema.js';

/**
 * Everything `writeReport` needs, supplied by the evaluation run (`fewbeat eval`, `fewbeat demo`).
 * Only `metrics` and `run` are required; a section whose data is absent is shown as "not
 * available in this run" rather than left out silently.
 */

/** One logged training step: the loss parts at that episode (e.g. total, contrastive, class, consistency). */
export const TrainingStepSchema = z.object({
  episode: z.number().int().min(0),
  /** loss part name → value; non-finite values are rejected */
  losses: z.record(z.string(), z.number()),
  learningRate: z.number().optional(),
});

/** One validation check on held-out base-class patients. */
export const ValidationPointSchema = z.object({
  episode: z.number().int().min(0),
  /** mean episode accuracy on the validation episodes */
  accuracy: z.number().min(0).max(1),
  loss: z.number().optional(),
});

/** The training history of the model being reported (learning curves). */
export const TrainingHistorySchema = z.object({
  steps: z.array(TrainingStepSchema),
  validation: z.array(ValidationPointSchema).default([]),
});

/** One embedded example: its vector in the shared space, its class and the child's age band. */
export const EmbeddingPointSchema = z.object({
  vector: z.array(z.number()).min(1),
  /** class id (data/classes.json) */
  label: z.string(),
  /** age band id (src/clinical/age-bands.ts) or `unknown` */
  ageBand: z.string(),
});

/** Embeddings to map in 2-D with UMAP (McInnes et al. 2018). */
export const EmbeddingSetSchema = z.object({
  /** what the points are, e.g. "query embeddings of 20 novel-class episodes" */
  description: z.string(),
  points: z.array(EmbeddingPointSchema),
  /** seed of UMAP's random initialisation and sampling @default 0 */
  seed: z.number().int().default(0),
  /**
   * Map at most this many points (a seeded random subset beyond it): UMAP in umap-js takes about
   * 4 s for 500 points and 17 s for 2000 on the 2-core machine. @default 1500
   */
  maxPoints: z.number().int().min(3).default(1500),
});

/** Model and run metadata, shown at the top of the report. */
export const RunInfoSchema = z.object({
  /** page title @default "fewbeat evaluation report" */
  title: z.string().default('fewbeat evaluation report'),
  /** ISO 8601 time the run finished */
  createdAt: z.string(),
  /** the command line that produced the run */
  command: z.string().optional(),
  seed: z.number().int().optional(),
  /** the cohort or manifest evaluated */
  cohort: z.string().optional(),
  /** wall-clock duration of the run in seconds */
  durationSeconds: z.number().optional(),
  /** free-form key → value facts (model config, backend, versions); nested values are shown as JSON */
  details: z.record(z.string(), z.unknown()).default({}),
});

/** The input of `writeReport`. */
export const ReportDataSchema = z.object({
  metrics: MetricsJsonSchema,
  run: RunInfoSchema,
  history: TrainingHistorySchema.optional(),
  embeddings: EmbeddingSetSchema.optional(),
  /** class id → display name; default: the names in data/classes.json */
  classNames: z.record(z.string(), z.string()).optional(),
});

export type TrainingHistory = z.input<typeof TrainingHistorySchema>;
export type EmbeddingSet = z.input<typeof EmbeddingSetSchema>;
export type RunInfo = z.input<typeof RunInfoSchema>;
/** What the caller supplies (defaults not yet filled in). */
export type ReportData = z.input<typeof ReportDataSchema>;
/** After validation, with defaults filled in. */
export type ParsedReportData = z.output<typeof ReportDataSchema>;

/**
 * Validates report input, with defaults filled in. Throws a FewbeatError naming the first bad
 * field (e.g. `history.steps.3.losses.total: expected number, received NaN`).
 */
export function parseReportData(input: ReportData): ParsedReportData {
  const result = ReportDataSchema.safeParse(input);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  throw new FewbeatError(`${issue?.path.join('.') || '(root)'}: ${issue?.message ?? 'invalid'}`, {
    location: 'report data',
  });
}
