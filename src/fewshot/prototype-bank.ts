import { z } from 'zod';
import { FewbeatError } from '../errors.js';
import type { ContextDecision, ContextGate } from './context-gate.js';
import { atNearestShots, FewShotHead, fewShotHeadConfigSchema, type FewShotHeadConfig } from './few-shot-head.js';
import { checkContentHash, withContentHash } from '../util/content-hash.js';
import { quantile } from '../util/quantile.js';

/**
 * A prototype bank: what `fewbeat enroll` writes and `fewbeat predict` reads. It is how a clinician
 * teaches a new arrhythmia from K examples without retraining: the bank stores the support examples
 * (their vectors in the model's prototype space and encoded clinical vectors), one prototype per
 * class (their mean) and the few-shot head's settings at the bank's size, so that a prediction
 * shows probabilities, abstention and the nearest labelled examples.
 */

/** The bank format version this code writes and reads (3: the bank carries its content hash). */
export const BANK_VERSION = 3;
const ENROLL_AGAIN = 'enroll the examples again with fewbeat enroll';

/** One enrolled support example. */
export interface BankExample {
  class: string;
  record: string;
  patientId: string;
  /** Its vector in the model's prototype space. */
  embedding: number[];
  /** Its encoded clinical vector c (the head weights it by β), when the model has a context gate. */
  clinical?: number[];
}

/**
 * The JSON file `fewbeat enroll` writes:
 *
 *     { format: "fewbeat-prototype-bank", version: 3, classes: [c...], dim: D,
 *       prototypes: [[D numbers] per class], examples: [{ class, record, patientId, embedding: [D], clinical?: [F] }],
 *       head: FewShotHeadConfig (per-shot values at the bank's size),
 *       contextDecision: { used, nllWithout, nllWith } | null,
 *       modelConfigSha256?: SHA-256 of the config.json of the model that embedded the examples,
 *       sha256: SHA-256 of the canonical JSON of the rest (src/util/content-hash.ts) }
 */
export interface PrototypeBank {
  format: 'fewbeat-prototype-bank';
  version: typeof BANK_VERSION;
  classes: string[];
  dim: number;
  prototypes: number[][];
  examples: BankExample[];
  /** The few-shot head's settings, its per-shot values reduced to the ones read at the bank's size. */
  head: FewShotHeadConfig;
  /** What the context gate decided on the examples (null: the model has no gate). */
  contextDecision: ContextDecision | null;
  /**
   * The identity of the model whose prototype space the bank lives in (src/model-dir/model-dir.ts
   * `modelConfigSha256`); vectors of another model are refused against it. Absent in banks written
   * before it was recorded.
   */
  modelConfigSha256?: string;
  /** The bank's content hash, checked by {@link parseBank}. */
  sha256: string;
}

/** What `predict` reports for one query. */
export interface BankPrediction {
  /** The most likely enrolled class, or `unknown` when abstaining. */
  predicted: string;
  /** The most likely enrolled class, even when abstaining. */
  nearestClass: string;
  probabilities: Record<string, number>;
  /** Squared distance to each class prototype. */
  distances: Record<string, number>;
  abstained: boolean;
  nearestExamples: Array<{ class: string; record: string; patientId: string; distance: number }>;
  /** Whether the child's clinical context joined the classifier (the bank's gate is open, the query has one). */
  contextUsed: boolean;
}

/** The support set of a bank's examples (labels index `classes`). */
function bankSupport(classes: readonly string[], examples: readonly BankExample[]) {
  return {
    vectors: examples.map((e) => Float32Array.from(e.embedding)),
    labels: examples.map((e) => classes.indexOf(e.class)),
    nClasses: classes.length,
    clinical: examples.every((e) => e.clinical) ? examples.map((e) => Float32Array.from(e.clinical as number[])) : null,
  };
}

/**
 * Build a bank from labelled support vectors with the model's few-shot head `config`: the head is
 * fitted on them, and the bank keeps the temperature and abstention threshold read at its size.
 */
export function enrollBank(
  examples: readonly BankExample[],
  config: FewShotHeadConfig,
  modelConfigSha256?: string,
): PrototypeBank {
  if (examples.length === 0) throw new FewbeatError('cannot enroll a prototype bank from zero examples');
  const classes = [...new Set(examples.map((e) => e.class))].sort();
  const dim = examples[0]?.embedding.length ?? 0;
  const bad = examples.find((e) => e.embedding.length !== dim);
  if (bad)
    throw new FewbeatError(
      `support example ${bad.record}: embedding has ${bad.embedding.length} values, expected ${dim}`,
    );
  if (config.contextGate) {
    const length = examples[0]?.clinical?.length;
    const missing = examples.find((e) => e.clinical === undefined || e.clinical.length !== length);
    if (missing)
      throw new FewbeatError(
        `support example ${missing.record}: no clinical vector of the common length, ` +
          "which the model's context gate needs",
      );
  }
  const head = new FewShotHead(config).fit(bankSupport(classes, examples));
  const abstention = head.abstention;
  const temperature = atNearestShots(config.probabilityTemperatures, bankShots(classes, examples));
  return withContentHash({
    format: 'fewbeat-prototype-bank' as const,
    version: BANK_VERSION as typeof BANK_VERSION,
    classes,
    dim,
    prototypes: head.prototypes.map((p) => Array.from(p)),
    examples: [...examples],
    head: {
      classifier: config.classifier,
      contextGate: config.contextGate,
      probabilityTemperatures: temperature ? { [String(temperature.shots)]: temperature.value } : {},
      abstention: abstention
        ? { quantile: abstention.quantile, thresholds: { [String(abstention.shots)]: abstention.threshold } }
        : null,
    },
    contextDecision: head.contextDecision,
    ...(modelConfigSha256 === undefined ? {} : { modelConfigSha256 }),
  });
}

/** Examples of the bank's smallest class. */
function bankShots(classes: readonly string[], examples: readonly BankExample[]): number {
  return Math.min(...classes.map((c) => examples.filter((e) => e.class === c).length));
}

/** The bank's few-shot head, fitted on its examples. */
export function bankHead(bank: PrototypeBank): FewShotHead {
  return new FewShotHead(bank.head).fit(bankSupport(bank.classes, bank.examples));
}

/** One line on a bank's context-gate decision, for `enroll` and `predict`. */
export function describeContextDecision(gate: ContextGate | null, decision: ContextDecision | null): string {
  if (!gate || !decision) return "clinical context: not part of this model's classifier (no context gate)";
  if (decision.nllWithout === null)
    return 'clinical context: not used (one example per class cannot show whether it separates the classes)';
  const nll =
    `leave-one-out NLL of the examples ${decision.nllWithout.toFixed(2)} without, ` +
    `${(decision.nllWith as number).toFixed(2)} with it`;
  return decision.used
    ? `clinical context: used — it separates the enrolled classes on their own examples (${nll})`
    : `clinical context: not used — it does not separate the enrolled classes by the margin of ${gate.margin} (${nll})`;
}

/**
 * Classify one query against a bank: probabilities, abstention and the `k` nearest support
 * examples, from the bank's few-shot head ({@link FewShotHead}). `embedding` is the query's vector
 * in the model's prototype space; `clinical` its encoded clinical vector, which joins the
 * classifier when the bank's context gate is open (null: not given, the ECG space alone).
 */
export function classifyWithBank(
  bank: PrototypeBank,
  embedding: Float32Array,
  k = 3,
  clinical: Float32Array | null = null,
  head: FewShotHead = bankHead(bank),
): BankPrediction {
  if (embedding.length !== bank.dim)
    throw new FewbeatError(
      `the bank holds ${bank.dim}-dimensional prototypes but the model gives ${embedding.length}: ` +
        'was it enrolled with another model?',
    );
  const expected = bank.examples[0]?.clinical?.length;
  if (head.contextDecision?.used && clinical !== null && clinical.length !== expected)
    throw new FewbeatError(
      `the query's clinical vector has ${clinical.length} values but the bank's examples ${expected ?? 0}: ` +
        'was it enrolled with another model?',
    );
  const [p] = head.predict({ vectors: [embedding], clinical: [clinical] }, { nearest: k });
  if (!p) throw new Error('unreachable: one query gives one prediction');
  const nearestClass = bank.classes[p.predicted] as string;
  return {
    predicted: p.abstained ? 'unknown' : nearestClass,
    nearestClass,
    probabilities: Object.fromEntries(bank.classes.map((c, i) => [c, p.probabilities[i] as number])),
    distances: Object.fromEntries(bank.classes.map((c, i) => [c, p.distances[i] as number])),
    abstained: p.abstained,
    nearestExamples: p.nearest.map(({ index, distance }) => {
      const e = bank.examples[index] as BankExample;
      return { class: e.class, record: e.record, patientId: e.patientId, distance };
    }),
    contextUsed: p.contextUsed,
  };
}

/**
 * Abstention threshold from validation data: the `q` quantile (default 0.95) of the squared distances
 * between validation queries and the prototype of their own class. With it, about 1 − q of queries
 * from enrolled classes are wrongly called unknown; queries farther than typical own-class distances
 * — unlike every enrolled class — are flagged.
 */
export function calibrateThreshold(ownClassDistances: readonly number[], q = 0.95): number {
  const finite = ownClassDistances.filter(Number.isFinite);
  if (finite.length === 0)
    throw new FewbeatError('cannot calibrate the abstention threshold without validation distances');
  return quantile(finite, q);
}

const finite = z.number().finite();

const bankSchema = z
  .object({
    format: z.literal('fewbeat-prototype-bank'),
    version: z.literal(BANK_VERSION),
    classes: z.array(z.string().min(1)).min(1),
    dim: z.number().int().positive(),
    prototypes: z.array(z.array(finite)),
    examples: z
      .array(
        z.object({
          class: z.string(),
          record: z.string(),
          patientId: z.string(),
          embedding: z.array(finite),
          clinical: z.array(finite).optional(),
        }),
      )
      .min(1),
    head: fewShotHeadConfigSchema,
    contextDecision: z
      .object({ used: z.boolean(), nllWithout: finite.nullable(), nllWith: finite.nullable() })
      .nullable(),
    modelConfigSha256: z
      .string()
      .regex(/^[0-9a-f]{64}$/)
      .optional(),
    sha256: z.string(),
  })
  .superRefine((b, ctx) => {
    const issue = (path: (string | number)[], message: string) => ctx.addIssue({ code: 'custom', path, message });
    if (b.prototypes.length !== b.classes.length) issue(['prototypes'], 'one prototype per class');
    b.prototypes.forEach((p, i) => p.length !== b.dim && issue(['prototypes', i], `must hold ${b.dim} numbers`));
    const length = b.examples.find((e) => e.clinical)?.clinical?.length;
    b.examples.forEach((e, i) => {
      if (!b.classes.includes(e.class)) issue(['examples', i, 'class'], `${JSON.stringify(e.class)} is not enrolled`);
      if (e.embedding.length !== b.dim) issue(['examples', i, 'embedding'], `must hold ${b.dim} numbers`);
      if (b.head.contextGate && e.clinical?.length !== length)
        issue(['examples', i, 'clinical'], 'every example needs a clinical vector of the same length (context gate)');
    });
    b.classes.forEach((c, i) => {
      if (!b.examples.some((e) => e.class === c)) issue(['classes', i], `class ${c} has no example`);
    });
  });

/** Check that parsed JSON is a prototype bank of this version, naming the file and the field when not. */
export function parseBank(json: unknown, file: string): PrototypeBank {
  const b = json as { format?: unknown; version?: unknown } | null;
  if (!b || typeof b !== 'object' || b.format !== 'fewbeat-prototype-bank')
    throw new FewbeatError('not a fewbeat prototype bank (format)', { file });
  if (b.version !== BANK_VERSION)
    throw new FewbeatError(
      `bank format version ${JSON.stringify(b.version)}, this fewbeat reads version ${BANK_VERSION}: ${ENROLL_AGAIN}`,
      { file },
    );
  const parsed = bankSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new FewbeatError(`${issue?.path.join('.') || 'bank'}: ${issue?.message ?? 'invalid'}`, { file });
  }
  checkContentHash(json, file, ENROLL_AGAIN);
  return parsed.data as PrototypeBank;
}

/**
 * Refuse to use `bank` with the vectors of the model of config SHA-256 `modelConfigSha256` when the
 * bank records that another model embedded its examples (their prototype spaces differ even when
 * their dimensions agree). `what` names the other side in the message.
 */
export function checkBankModel(bank: PrototypeBank, modelConfigSha256: string, what: string): void {
  if (bank.modelConfigSha256 !== undefined && bank.modelConfigSha256 !== modelConfigSha256)
    throw new FewbeatError(
      `the bank was enrolled with another model than ${what} (model config SHA-256 ` +
        `${bank.modelConfigSha256.slice(0, 12)}…, not ${modelConfigSha256.slice(0, 12)}…): ` +
        'enroll it again with that model',
    );
}
