import { z } from 'zod';
import { clinicalSchemaSchema } from '../../clinical/schema.js';

/**
 * The request and response schemas of the fewbeat HTTP API (`fewbeat serve`). The same zod schemas
 * validate every request, serialise every response and generate the OpenAPI document at
 * `/api/docs/json` (fastify-type-provider-zod). The web app and scripts rely only on these.
 *
 * Conventions: ids are opaque strings; times are ISO 8601 UTC strings; measurements are
 * `number | null` (null = not measured, with the reason beside it); errors are `ErrorBody`.
 */

export const idSchema = z.string().min(1).max(100).describe('opaque id');
export const isoTime = z.string().describe('ISO 8601 UTC time');

/** Every 4xx/5xx answer: a machine code and one line a person can read (the reader's reason for bad files). */
export const errorBodySchema = z.object({
  error: z.string().describe('short machine code, e.g. bad_request, unauthorized, forbidden, not_found, bad_upload'),
  message: z.string().describe('one line saying what is wrong and where'),
});
export type ErrorBody = z.infer<typeof errorBodySchema>;

// ---------------------------------------------------------------- users, login

export const roleSchema = z.enum(['clinician', 'admin']);
export type Role = z.infer<typeof roleSchema>;

export const userSchema = z.object({
  id: idSchema,
  username: z.string(),
  displayName: z.string(),
  role: roleSchema,
  disabled: z.boolean(),
  createdAt: isoTime,
});
export type User = z.infer<typeof userSchema>;

const usernameSchema = z
  .string()
  .min(2)
  .max(64)
  .regex(/^[A-Za-z0-9._@-]+$/, 'letters, digits and . _ @ - only');
const passwordSchema = z.string().min(10, 'at least 10 characters').max(200);

export const loginBodySchema = z.object({ username: z.string().min(1).max(64), password: z.string().min(1).max(200) });
/** Answer to login and to `GET /api/auth/me`: who is signed in and the CSRF token cookie sessions must echo. */
export const sessionInfoSchema = z.object({
  user: userSchema,
  csrfToken: z
    .string()
    .nullable()
    .describe('send as header x-csrf-token on POST/PATCH/DELETE with the session cookie; null for bearer tokens'),
  expiresAt: isoTime,
});

export const createTokenBodySchema = z.object({
  name: z.string().min(1).max(100).describe('what the token is for, e.g. "nightly export script"'),
  days: z.number().int().min(1).max(365).default(30),
});
export const createdTokenSchema = z.object({
  id: idSchema,
  name: z.string(),
  token: z.string().describe('send as "Authorization: Bearer <token>"; shown once'),
  expiresAt: isoTime,
});

export const createUserBodySchema = z.object({
  username: usernameSchema,
  displayName: z.string().max(200).default(''),
  role: roleSchema,
  password: passwordSchema,
});
export const updateUserBodySchema = z.object({
  displayName: z.string().max(200).optional(),
  role: roleSchema.optional(),
  password: passwordSchema.optional(),
  disabled: z.boolean().optional(),
});
export const userListSchema = z.object({ users: z.array(userSchema) });
export const changePasswordBodySchema = z.object({
  currentPassword: z.string().min(1).max(200),
  newPassword: passwordSchema,
});

// ---------------------------------------------------------------- model

export const modelInfoSchema = z.object({
  version: z.string().describe('SHA-256 of the model directory (config.json and weights)'),
  dir: z.string(),
  fs: z.number(),
  samples: z.number(),
  leads: z.array(z.string()),
  classes: z.object({ base: z.array(z.string()), novel: z.array(z.string()) }),
  clinicalSchema: clinicalSchemaSchema.describe('the clinical fields a case may carry (besides age_years and sex)'),
});

/** A model the service has run with, or that banks and predictions of its database name. */
export const knownModelSchema = z.object({
  version: z.string().describe('SHA-256 of the model directory (config.json and weights)'),
  active: z.boolean().describe('the model this server is running'),
  dir: z.string().nullable().describe('where it was last served from (null: known only from banks or predictions)'),
  classes: z.object({ base: z.array(z.string()), novel: z.array(z.string()) }).nullable(),
  firstStartedAt: isoTime.nullable(),
  lastStartedAt: isoTime.nullable(),
  banks: z.number().describe('banks enrolled with it (a bank belongs to one model)'),
  predictions: z.number(),
  lastPredictionAt: isoTime.nullable(),
});
export const knownModelListSchema = z.object({ models: z.array(knownModelSchema) });

// ---------------------------------------------------------------- cases

export const clinicalValueSchema = z.union([z.number(), z.boolean(), z.string(), z.array(z.string()), z.null()]);
/**
 * The child's clinical context: `age_years` (decimal years), `sex` ("M"/"F") and the fields of the model's
 * clinical schema; every field may be absent or null (missing). Checked against the model's schema.
 */
export const clinicalContextSchema = z.record(z.string(), clinicalValueSchema);

export const sourceFileSchema = z.object({ name: z.string(), sha256: z.string(), bytes: z.number() });
export const recordInfoSchema = z.object({
  format: z.string().describe('wfdb, edf, csv, ...'),
  fs: z.number(),
  leads: z.array(z.string()),
  units: z.array(z.string()),
  samples: z.number(),
  durationS: z.number(),
});
export const caseSummarySchema = z.object({
  id: idSchema,
  patientId: z.string().nullable().describe('the hospital patient key, for serial comparison; never logged'),
  label: z.string().nullable().describe('free short title of the case'),
  recordSha256: z.string().describe('SHA-256 over the source files (names and contents): the stored ECG'),
  record: recordInfoSchema,
  uploadedBy: z.object({ id: idSchema, username: z.string() }),
  createdAt: isoTime,
  latestPrediction: z
    .object({ id: idSchema, predicted: z.string(), abstained: z.boolean(), createdAt: isoTime })
    .nullable(),
  reviewed: z.enum(['confirmed', 'corrected']).nullable(),
});
export type CaseSummary = z.infer<typeof caseSummarySchema>;
export const caseSchema = caseSummarySchema.extend({
  sourceFiles: z.array(sourceFileSchema),
  clinical: clinicalContextSchema,
  earlierCases: z.array(caseSummarySchema).describe("the same patient's earlier cases, newest first"),
});
export type Case = z.infer<typeof caseSchema>;

/**
 * Multipart form of `POST /api/cases` (documented here; multipart bodies are parsed by the route):
 * `files` (one or more parts: .hea+.dat, .hea+.mat, .edf/.bdf, or .csv of ONE record), `clinical`
 * (JSON text of `clinicalContextSchema`, optional), `patientId` (optional), `label` (optional),
 * `fs` (Hz, only for CSV without a time column).
 */
export const caseUploadFieldsSchema = z.object({
  clinical: z.string().max(20_000).optional().describe('JSON object of clinical fields'),
  patientId: z.string().max(100).optional(),
  label: z.string().max(200).optional(),
  fs: z.string().max(20).optional(),
});

export const caseListQuerySchema = z.object({
  q: z.string().max(200).optional().describe('matches case id, label, patient key or source file name'),
  patientId: z.string().max(100).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).default(0),
});
export const caseListSchema = z.object({ cases: z.array(caseSummarySchema), total: z.number() });

/**
 * The waveform for drawing: physical values per lead, at most `maxSamples` per lead (decimated by an integer factor).
 */
export const waveformQuerySchema = z.object({
  maxSamples: z.coerce.number().int().min(100).max(100_000).default(5000),
});
export const waveformSchema = z.object({
  fs: z.number().describe('sampling rate of the returned samples'),
  leads: z.array(z.string()),
  units: z.array(z.string()),
  signals: z.array(z.array(z.number().nullable())).describe('per lead; null = invalid sample'),
  decimation: z.number().int(),
});

// ---------------------------------------------------------------- analysis

const measuredValue = z.object({
  value: z.number().nullable(),
  unit: z.string(),
  z: z.number().nullable().describe('age- and sex-normalised z-score; null without age or norms'),
  method: z.string().describe('how it was obtained (leads, formula)'),
  reason: z.string().nullable().describe('why value is null'),
});
export const analysisSchema = z.object({
  caseId: idSchema,
  complete: z.boolean().describe('false when any measurement is missing: never read as normal'),
  incompleteReasons: z.array(z.string()),
  measurements: z.object({
    hr: measuredValue,
    pr: measuredValue,
    qrs: measuredValue,
    qt: measuredValue,
    qtcBazett: measuredValue,
    qtcFridericia: measuredValue,
  }),
  norms: z.string().nullable(),
  flags: z.array(z.object({ code: z.string(), text: z.string() })),
  rr: z.object({
    n: z.number(),
    meanMs: z.number().nullable(),
    medianMs: z.number().nullable(),
    sdnnMs: z.number().nullable(),
    rmssdMs: z.number().nullable(),
    cv: z.number().nullable(),
  }),
  /** Share of the 80-300 ms before each R peak that repeats from beat to beat (1: a P wave locked to every QRS). */
  pWaveRepeatability: z.number().nullable(),
  quality: z.object({
    score: z.number(),
    usable: z.boolean(),
    summary: z.string(),
    leads: z.array(z.object({ lead: z.string(), score: z.number(), flags: z.array(z.string()) })),
  }),
  leadsUsed: z.array(z.string()),
  rPeaks: z.object({ fs: z.number(), samples: z.array(z.number().int()), times: z.array(z.number()) }),
  medianBeats: z.object({
    fs: z.number(),
    rIndex: z.number().int().describe('index of the R peak in each beat'),
    beatsUsed: z.number().int(),
    leads: z.array(z.object({ lead: z.string(), unit: z.string(), samples: z.array(z.number()) })),
  }),
});
export type Analysis = z.infer<typeof analysisSchema>;

// ---------------------------------------------------------------- banks

export const bankExampleSchema = z.object({ caseId: idSchema, class: z.string().min(1).max(64) });
export const bankSummarySchema = z.object({
  id: idSchema,
  name: z.string(),
  version: z.number().int().describe('current version; every change makes a new one'),
  modelVersion: z.string(),
  classes: z.record(z.string(), z.number().int()).describe('examples per class'),
  createdBy: z.object({ id: idSchema, username: z.string() }),
  createdAt: isoTime,
  updatedAt: isoTime,
});
export const bankSchema = bankSummarySchema.extend({
  examples: z.array(bankExampleSchema),
  change: z.string().describe('what made this version'),
  abstention: z.object({ threshold: z.number(), quantile: z.number(), shots: z.number() }).nullable(),
  probabilityTemperature: z.number(),
});
export const bankListSchema = z.object({ banks: z.array(bankSummarySchema) });
export const bankVersionListSchema = z.object({
  versions: z.array(
    z.object({
      version: z.number().int(),
      change: z.string(),
      by: z.object({ id: idSchema, username: z.string() }),
      at: isoTime,
    }),
  ),
});
export const createBankBodySchema = z.object({
  name: z.string().min(1).max(200),
  examples: z.array(bankExampleSchema).min(2).max(500).describe('K examples per class, at least two classes'),
});
export const addExampleBodySchema = bankExampleSchema;
export const relabelExampleBodySchema = z.object({ class: z.string().min(1).max(64) });

// ---------------------------------------------------------------- predictions, reviews

export const predictBodySchema = z.object({
  bankId: idSchema,
  bankVersion: z.number().int().min(1).optional().describe('default: the current version'),
  nearest: z.number().int().min(0).max(20).default(3),
  explain: z.boolean().default(true).describe('occlusion over leads and 1-s segments'),
});
export const occlusionSchema = z.object({
  method: z.literal('occlusion'),
  target: z.string().describe('the class whose probability is explained (predicted, or nearest when abstained)'),
  baseProbability: z.number(),
  leads: z.array(z.object({ lead: z.string(), drop: z.number() })).describe('drop when the lead is flat'),
  segments: z
    .array(z.object({ startS: z.number(), endS: z.number(), drop: z.number() }))
    .describe('drop when all leads are flat for that second (model time axis, after crop)'),
});
export const predictionSchema = z.object({
  id: idSchema,
  caseId: idSchema,
  bank: z.object({ id: idSchema, name: z.string(), version: z.number().int() }),
  modelVersion: z.string(),
  inputSha256: z.string().describe('SHA-256 of the stored ECG and the clinical context used'),
  predicted: z.string().describe('"unknown" when abstained'),
  nearestClass: z.string(),
  abstained: z.boolean().describe('not like any enrolled class'),
  probabilities: z.record(z.string(), z.number()),
  distances: z.record(z.string(), z.number()),
  nearestExamples: z.array(z.object({ caseId: idSchema, class: z.string(), distance: z.number() })),
  clinicalUsed: z.object({
    used: z.boolean().describe('whether the clinical context joined the decision (the bank gate)'),
    fields: z.array(z.string()).describe('the fields given and seen by the model'),
    note: z.string(),
  }),
  quality: z.object({ score: z.number(), usable: z.boolean(), summary: z.string() }),
  explanation: occlusionSchema.nullable(),
  user: z.object({ id: idSchema, username: z.string() }),
  createdAt: isoTime,
  review: z
    .object({
      id: idSchema,
      verdict: z.enum(['confirmed', 'corrected']),
      finalClass: z.string(),
      note: z.string(),
      user: z.object({ id: idSchema, username: z.string() }),
      createdAt: isoTime,
    })
    .nullable(),
});
export type Prediction = z.infer<typeof predictionSchema>;
export const predictionListSchema = z.object({
  predictions: z.array(predictionSchema),
  total: z.number().describe("the case's predictions in all (the list is one page of them)"),
});
export const predictionListQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(20),
  offset: z.coerce.number().int().min(0).default(0),
});

export const reviewBodySchema = z
  .object({
    verdict: z.enum(['confirmed', 'corrected']),
    correctedClass: z.string().min(1).max(64).optional().describe('required when corrected'),
    note: z.string().max(5000).default(''),
    addToBank: z
      .object({ bankId: idSchema })
      .optional()
      .describe('also add the case to this bank under the final class (new bank version)'),
  })
  .refine((b) => b.verdict === 'confirmed' || b.correctedClass !== undefined, {
    message: 'correctedClass is required when the verdict is corrected',
    path: ['correctedClass'],
  });
export const reviewResultSchema = z.object({
  prediction: predictionSchema,
  bank: bankSchema.nullable(),
});

// ---------------------------------------------------------------- archive search

export const archiveInfoSchema = z.object({
  archive: z
    .object({
      dir: z.string().describe('the index folder'),
      windows: z.number().int().describe('embedded ECG windows'),
      records: z.number().int().describe('distinct recordings the windows come from'),
      skipped: z.number().int().describe('recordings the index run could not embed'),
      modelConfigSha256: z.string().describe("SHA-256 of the embedding model's config.json (the served model's)"),
      dim: z.number().int(),
      windowSeconds: z.number(),
      measurementFeatures: z.array(z.string()).describe('the measurements each hit carries, by name'),
    })
    .nullable()
    .describe('null when the service was started without --archive'),
});

/** The most hits one search returns. */
export const MAX_ARCHIVE_HITS = 200;

const archiveSearchFields = {
  bankId: idSchema,
  className: z.string().min(1).max(64).describe('a class of the bank version'),
};
export const archiveSearchBodySchema = z.object({
  ...archiveSearchFields,
  bankVersion: z.number().int().min(1).optional().describe('default: the current version'),
  top: z.number().int().min(1).max(MAX_ARCHIVE_HITS).default(20).describe('hits to return'),
});
export const archiveExportQuerySchema = z.object({
  ...archiveSearchFields,
  bankVersion: z.coerce.number().int().min(1).optional().describe('default: the current version'),
  top: z.coerce.number().int().min(1).max(MAX_ARCHIVE_HITS).default(20).describe('hits to export'),
});
export const archiveHitSchema = z.object({
  rank: z.number().int(),
  record: z.string().describe("the recording's path in the archive (on the server)"),
  window: z.object({ startS: z.number(), endS: z.number() }).nullable().describe('null: the whole recording'),
  probability: z.number().describe("the bank's calibrated probability of the class"),
  distance: z.number().describe('squared distance to the class prototype'),
  abstained: z.boolean().describe('the bank would abstain: unlike every enrolled class'),
  patientId: z.string().nullable(),
  labels: z.array(z.string()).describe('labels a manifest gave the recording when it was indexed'),
  ageYears: z.number().nullable(),
  sex: z.enum(['M', 'F']).nullable(),
  measurements: z.record(z.string(), z.number().nullable()).describe('by name; null = not measured'),
});
export const archiveSearchSchema = z.object({
  bank: z.object({ id: idSchema, name: z.string(), version: z.number().int() }),
  className: z.string(),
  scanned: z.number().int().describe('windows ranked'),
  enrolledExcluded: z.number().int().describe("windows left out as the bank's own examples"),
  searchMs: z.number().describe('time the search took on the server'),
  hits: z.array(archiveHitSchema),
});

// ---------------------------------------------------------------- audit

export const auditEntrySchema = z.object({
  id: idSchema,
  at: isoTime,
  userId: z.string().nullable(),
  username: z.string().nullable(),
  action: z.string().describe('login, login_failed, logout, upload, prediction, bank_create, bank_change, review, ...'),
  targetType: z.string().nullable(),
  targetId: z.string().nullable(),
  ip: z.string().nullable(),
  details: z.record(z.string(), z.unknown()),
});
export const auditQuerySchema = z.object({
  action: z.string().max(50).optional(),
  userId: z.string().max(100).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  offset: z.coerce.number().int().min(0).default(0),
});
export const auditListSchema = z.object({ entries: z.array(auditEntrySchema), total: z.number() });

export const healthSchema = z.object({
  ok: z.boolean(),
  modelVersion: z.string(),
  database: z.string(),
  /** Each model worker's live tensor count after its last task: flat over time when nothing leaks. */
  workers: z.array(z.object({ thread: z.number().int(), tensors: z.number().int().min(0) })),
});
export const idParamsSchema = z.object({ id: idSchema });
export const bankExampleParamsSchema = z.object({ id: idSchema, caseId: idSchema });
export const bankVersionParamsSchema = z.object({ id: idSchema, version: z.coerce.number().int().min(1) });

/** The case report (JSON export): the case, its analysis, its predictions with their reviews. */
export const caseReportSchema = z.object({
  generatedAt: isoTime,
  generatedBy: z.object({ id: idSchema, username: z.string() }),
  modelVersion: z.string(),
  case: caseSchema,
  analysis: analysisSchema,
  predictions: z.array(predictionSchema),
});
