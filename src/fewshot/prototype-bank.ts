import { FewbeatError } from '../errors.js';
import { appendContext, decideContext, type ContextDecision, type ContextGate } from './context-gate.js';
import { argmax, computePrototypes, prototypeProbabilities, squaredDistance } from './prototypes.js';
import {
  fitFewShotClassifier,
  NO_SUPPORT_AUGMENTATION,
  queryProbabilities,
  supportAugmentationOf,
  type SupportAugmentation,
} from './support-augmentation.js';
import type { FewShotClassifier } from './support-classifier.js';
import { scaleProbabilities } from './temperature-scaling.js';

/**
 * A prototype bank: what `fewbeat enroll` writes and `fewbeat predict` reads. It is how a clinician
 * teaches a new arrhythmia from K examples without retraining: the bank stores one prototype
 * (mean fused embedding) per class plus the support examples themselves, so that a prediction can
 * show the nearest labelled examples.
 */

/** One enrolled support example. */
export interface BankExample {
  class: string;
  record: string;
  patientId: string;
  embedding: number[];
  /** Embeddings of its augmented views ({@link SupportAugmentation}); absent = none. */
  views?: number[][];
  /** Its weighted clinical vector β·c (src/fewshot/context-gate.ts), when the model has a context gate. */
  context?: number[];
}

/** Abstention rule: answer "unknown" when the query is farther than `threshold` from every prototype. */
export interface Abstention {
  /** Squared-distance threshold. */
  threshold: number;
  /** The quantile of validation own-class distances the threshold was set at. */
  quantile: number;
  /** Shots per class of the validation episodes it was calibrated on. */
  shots: number;
}

/** The JSON file `fewbeat enroll` writes. */
export interface PrototypeBank {
  format: 'fewbeat-prototype-bank';
  version: 1;
  classes: string[];
  dim: number;
  prototypes: number[][];
  examples: BankExample[];
  abstention: Abstention | null;
  /** How probabilities are computed ({@link FewShotClassifier}); absent in banks written before the choice existed: `prototype`. */
  classifier?: FewShotClassifier;
  /** The support-set augmentation the examples' `views` come from (test-time averaging and its seed); absent = none. */
  supportAugmentation?: SupportAugmentation;
  /** Temperature T of the probabilities (`scaleProbabilities`, calibrated with the model); absent = 1. */
  probabilityTemperature?: number;
  /**
   * The context gate's decision on the enrolled examples (src/fewshot/context-gate.ts): whether the
   * child's clinical context joins the classifier, with the leave-one-out NLL without and with it.
   * Absent: the model has no gate (the ECG space alone).
   */
  contextGate?: ContextGate & ContextDecision;
}

/** How a bank classifies: the model's classifier, support-set augmentation and probability temperature. */
export interface BankClassification {
  /** @default 'prototype' */
  classifier?: FewShotClassifier;
  /** @default none */
  supportAugmentation?: SupportAugmentation;
  /** @default 1 */
  probabilityTemperature?: number;
  /** The model's context gate; with it every example must carry its `context`. @default none */
  contextGate?: ContextGate | null;
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
  /** Whether the child's clinical context joined the classifier (the bank's gate is open and the query has a context). */
  contextUsed: boolean;
}

/**
 * Build a bank from labelled support embeddings. Prototypes (hence distances, abstention and the
 * nearest examples) come from the examples' own embeddings; their augmented `views` only join the
 * fit of the classifier that gives the probabilities.
 */
export function enrolBank(
  examples: readonly BankExample[],
  abstention: Abstention | null,
  how: BankClassification = {},
): PrototypeBank {
  const {
    classifier = 'prototype',
    supportAugmentation = NO_SUPPORT_AUGMENTATION,
    probabilityTemperature = 1,
    contextGate = null,
  } = how;
  if (examples.length === 0) throw new FewbeatError('cannot enrol a prototype bank from zero examples');
  const classes = [...new Set(examples.map((e) => e.class))].sort();
  const dim = examples[0]?.embedding.length ?? 0;
  for (const e of examples) {
    if ([e.embedding, ...(e.views ?? [])].some((v) => v.length !== dim))
      throw new FewbeatError(
        `support example ${e.record}: embedding has ${e.embedding.length} values, expected ${dim}`,
      );
  }
  const vectors = examples.map((e) => Float32Array.from(e.embedding));
  const labels = examples.map((e) => classes.indexOf(e.class));
  const prototypes = computePrototypes(vectors, labels, classes.length);
  let gate: (ContextGate & ContextDecision) | undefined;
  if (contextGate) {
    const missing = examples.find((e) => e.context === undefined || e.context.length !== examples[0]?.context?.length);
    if (missing)
      throw new FewbeatError(
        `support example ${missing.record}: no clinical context vector of the common length, which the model's context gate needs`,
      );
    const decision = decideContext(
      vectors,
      examples.map((e) => Float32Array.from(e.context as number[])),
      labels,
      classes.length,
      contextGate.margin,
    );
    gate = { ...contextGate, ...decision };
  }
  return {
    format: 'fewbeat-prototype-bank',
    version: 1,
    classes,
    dim,
    prototypes: prototypes.map((p) => Array.from(p)),
    examples: [...examples],
    abstention,
    classifier,
    ...(supportAugmentation.views > 0 ? { supportAugmentation } : {}),
    ...(probabilityTemperature !== 1 ? { probabilityTemperature } : {}),
    ...(gate ? { contextGate: gate } : {}),
  };
}

/** One line on a bank's context-gate decision, for `enroll` and `predict`. */
export function describeContextDecision(gate: PrototypeBank['contextGate'] | null): string {
  if (!gate) return "clinical context: not part of this model's classifier (no context gate)";
  if (gate.nllWithout === null)
    return 'clinical context: not used (one example per class cannot show whether it separates the classes)';
  const nll = `leave-one-out NLL of the examples ${gate.nllWithout.toFixed(2)} without, ${(gate.nllWith as number).toFixed(2)} with it`;
  return gate.used
    ? `clinical context: used — it separates the enrolled classes on their own examples (${nll})`
    : `clinical context: not used — it does not separate the enrolled classes by the margin of ${gate.margin} (${nll})`;
}

/**
 * Classify one embedding against a bank: probabilities, abstention and the `k` nearest support
 * examples. `queryViews` are the embeddings of the query's augmented views, averaged over when the
 * bank's augmentation asks for test-time averaging. `queryContext` is the query's weighted clinical
 * vector β·c: when the bank's context gate is open, it joins the classifier's vectors (every example
 * and view with its own context); without it (no context given) the classifier sees the ECG space.
 * Distances, abstention and the nearest examples always use the ECG space.
 */
export function classifyWithBank(
  bank: PrototypeBank,
  embedding: Float32Array,
  k = 3,
  queryViews: readonly Float32Array[] = [],
  queryContext: Float32Array | null = null,
): BankPrediction {
  if (embedding.length !== bank.dim)
    throw new FewbeatError(
      `the bank holds ${bank.dim}-dimensional prototypes but the model gives ${embedding.length}: was it enrolled with another model?`,
    );
  const nearest = prototypeProbabilities(
    embedding,
    bank.prototypes.map((p) => Float32Array.from(p)),
  );
  const distances = nearest.distances;
  const augmentation = bank.supportAugmentation ?? NO_SUPPORT_AUGMENTATION;
  const classifier = bank.classifier ?? 'prototype';
  const contextUsed = bank.contextGate?.used === true && queryContext !== null;
  if (contextUsed && queryContext.length !== bank.examples[0]?.context?.length) {
    throw new FewbeatError(
      `the query's clinical context has ${queryContext.length} values but the bank's examples ${bank.examples[0]?.context?.length ?? 0}: was it enrolled with another model?`,
    );
  }
  const withContextOf = (v: Float32Array, context: Float32Array | null): Float32Array =>
    contextUsed && context ? appendContext(v, context) : v;
  let probabilities = nearest.probabilities;
  if (classifier === 'support-softmax' || augmentation.views > 0 || contextUsed) {
    const support = bank.examples.flatMap((e) => {
      const context = e.context ? Float32Array.from(e.context) : null;
      return [e.embedding, ...(e.views ?? [])].map((v) => ({
        vector: withContextOf(Float32Array.from(v), context),
        label: bank.classes.indexOf(e.class),
      }));
    });
    const classify = fitFewShotClassifier(
      classifier,
      support.map((s) => s.vector),
      support.map((s) => s.label),
      bank.classes.length,
    );
    probabilities = queryProbabilities(
      classify,
      withContextOf(embedding, queryContext),
      queryViews.map((v) => withContextOf(v, queryContext)),
      augmentation.testTime,
    );
  }
  probabilities = scaleProbabilities(probabilities, bank.probabilityTemperature ?? 1);
  const best = argmax(probabilities);
  const nearestClass = bank.classes[best] as string;
  const abstained = bank.abstention !== null && Math.min(...distances) > bank.abstention.threshold;
  const nearestExamples = bank.examples
    .map((e) => ({
      class: e.class,
      record: e.record,
      patientId: e.patientId,
      distance: squaredDistance(embedding, Float32Array.from(e.embedding)),
    }))
    .sort((a, b) => a.distance - b.distance)
    .slice(0, k);
  return {
    predicted: abstained ? 'unknown' : nearestClass,
    nearestClass,
    probabilities: Object.fromEntries(bank.classes.map((c, i) => [c, probabilities[i] as number])),
    distances: Object.fromEntries(bank.classes.map((c, i) => [c, distances[i] as number])),
    abstained,
    nearestExamples,
    contextUsed,
  };
}

/**
 * Abstention threshold from validation data: the `quantile` (default 0.95) of the squared distances
 * between validation queries and the prototype of their own class. With it, about 1 − quantile of
 * queries from enrolled classes are wrongly called unknown; queries farther than typical own-class
 * distances — unlike every enrolled class — are flagged. Linear interpolation between order statistics.
 */
export function calibrateThreshold(ownClassDistances: readonly number[], quantile = 0.95): number {
  const sorted = ownClassDistances.filter(Number.isFinite).sort((a, b) => a - b);
  if (sorted.length === 0)
    throw new FewbeatError('cannot calibrate the abstention threshold without validation distances');
  const pos = quantile * (sorted.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(sorted.length - 1, lo + 1);
  return (sorted[lo] as number) + (pos - lo) * ((sorted[hi] as number) - (sorted[lo] as number));
}

/** Check that parsed JSON is a prototype bank, naming the file when not. */
export function parseBank(json: unknown, file: string): PrototypeBank {
  const b = json as Partial<PrototypeBank> | null;
  if (!b || b.format !== 'fewbeat-prototype-bank' || b.version !== 1)
    throw new FewbeatError('not a fewbeat prototype bank (format/version)', { file });
  if (
    !Array.isArray(b.classes) ||
    !Array.isArray(b.prototypes) ||
    b.prototypes.length !== b.classes.length ||
    !Array.isArray(b.examples)
  ) {
    throw new FewbeatError('classes, prototypes and examples must be arrays of matching length', { file });
  }
  if (b.classifier !== undefined && b.classifier !== 'prototype' && b.classifier !== 'support-softmax') {
    throw new FewbeatError(`classifier must be "prototype" or "support-softmax", not ${JSON.stringify(b.classifier)}`, {
      file,
    });
  }
  if (
    typeof b.dim !== 'number' ||
    b.prototypes.some(
      (p) => !Array.isArray(p) || p.length !== b.dim || p.some((v) => typeof v !== 'number' || !Number.isFinite(v)),
    )
  ) {
    throw new FewbeatError(`every prototype must hold ${b.dim} finite numbers`, { file });
  }
  const isVector = (v: unknown): boolean =>
    Array.isArray(v) && v.length === b.dim && v.every((x) => typeof x === 'number' && Number.isFinite(x));
  const bad = b.examples.findIndex(
    (e: Partial<BankExample> | null) =>
      !e ||
      !b.classes?.includes(e.class as string) ||
      !isVector(e.embedding) ||
      (e.views !== undefined && (!Array.isArray(e.views) || !e.views.every(isVector))),
  );
  if (bad >= 0)
    throw new FewbeatError(
      `examples[${bad}] must name an enrolled class and hold ${b.dim} finite numbers (and each of its views)`,
      { file },
    );
  if (b.supportAugmentation !== undefined) supportAugmentationOf(b, file);
  if (b.contextGate !== undefined) {
    const g = b.contextGate as Partial<ContextGate & ContextDecision> | null;
    const nll = (x: unknown): boolean => x === null || (typeof x === 'number' && Number.isFinite(x));
    if (
      !g ||
      typeof g.used !== 'boolean' ||
      !(typeof g.weight === 'number' && g.weight >= 0) ||
      !(typeof g.margin === 'number' && g.margin >= 0) ||
      !nll(g.nllWithout) ||
      !nll(g.nllWith)
    ) {
      throw new FewbeatError(
        'contextGate must hold used (true/false), weight and margin (≥ 0) and the leave-one-out NLLs (numbers or null)',
        { file },
      );
    }
    const length = b.examples.find((e: Partial<BankExample> | null) => Array.isArray(e?.context))?.context?.length;
    const badContext = b.examples.findIndex(
      (e) =>
        !Array.isArray(e.context) ||
        e.context.length !== length ||
        !e.context.every((x) => typeof x === 'number' && Number.isFinite(x)),
    );
    if (badContext >= 0)
      throw new FewbeatError(
        `examples[${badContext}].context must hold ${length ?? 'the same number of'} finite numbers (the bank has a context gate)`,
        { file },
      );
  }
  if (
    b.probabilityTemperature !== undefined &&
    !(
      typeof b.probabilityTemperature === 'number' &&
      Number.isFinite(b.probabilityTemperature) &&
      b.probabilityTemperature > 0
    )
  ) {
    throw new FewbeatError(
      `probabilityTemperature must be a positive number, not ${JSON.stringify(b.probabilityTemperature)}`,
      { file },
    );
  }
  return b as PrototypeBank;
}
