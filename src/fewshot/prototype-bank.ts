import { FewbeatError } from '../errors.js';
import { argmax, computePrototypes, prototypeProbabilities, squaredDistance } from './prototypes.js';
import { fitFewShotClassifier, NO_SUPPORT_AUGMENTATION, queryProbabilities, supportAugmentationOf, type SupportAugmentation } from './support-augmentation.js';
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
}

/** How a bank classifies: the model's classifier, support-set augmentation and probability temperature. */
export interface BankClassification {
  /** @default 'prototype' */
  classifier?: FewShotClassifier;
  /** @default none */
  supportAugmentation?: SupportAugmentation;
  /** @default 1 */
  probabilityTemperature?: number;
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
}

/**
 * Build a bank from labelled support embeddings. Prototypes (hence distances, abstention and the
 * nearest examples) come from the examples' own embeddings; their augmented `views` only join the
 * fit of the classifier that gives the probabilities.
 */
export function enrolBank(examples: readonly BankExample[], abstention: Abstention | null, how: BankClassification = {}): PrototypeBank {
  const { classifier = 'prototype', supportAugmentation = NO_SUPPORT_AUGMENTATION, probabilityTemperature = 1 } = how;
  if (examples.length === 0) throw new FewbeatError('cannot enrol a prototype bank from zero examples');
  const classes = [...new Set(examples.map((e) => e.class))].sort();
  const dim = examples[0]?.embedding.length ?? 0;
  for (const e of examples) {
    if ([e.embedding, ...(e.views ?? [])].some((v) => v.length !== dim)) throw new FewbeatError(`support example ${e.record}: embedding has ${e.embedding.length} values, expected ${dim}`);
  }
  const prototypes = computePrototypes(
    examples.map((e) => Float32Array.from(e.embedding)),
    examples.map((e) => classes.indexOf(e.class)),
    classes.length,
  );
  return { format: 'fewbeat-prototype-bank', version: 1, classes, dim, prototypes: prototypes.map((p) => Array.from(p)), examples: [...examples], abstention, classifier, ...(supportAugmentation.views > 0 ? { supportAugmentation } : {}), ...(probabilityTemperature !== 1 ? { probabilityTemperature } : {}) };
}

/**
 * Classify one embedding against a bank: probabilities, abstention and the `k` nearest support
 * examples. `queryViews` are the embeddings of the query's augmented views, averaged over when the
 * bank's augmentation asks for test-time averaging.
 */
export function classifyWithBank(bank: PrototypeBank, embedding: Float32Array, k = 3, queryViews: readonly Float32Array[] = []): BankPrediction {
  if (embedding.length !== bank.dim) throw new FewbeatError(`the bank holds ${bank.dim}-dimensional prototypes but the model gives ${embedding.length}: was it enrolled with another model?`);
  const nearest = prototypeProbabilities(embedding, bank.prototypes.map((p) => Float32Array.from(p)));
  const distances = nearest.distances;
  const augmentation = bank.supportAugmentation ?? NO_SUPPORT_AUGMENTATION;
  const classifier = bank.classifier ?? 'prototype';
  let probabilities = nearest.probabilities;
  if (classifier === 'support-softmax' || augmentation.views > 0) {
    const support = bank.examples.flatMap((e) => [e.embedding, ...(e.views ?? [])].map((v) => ({ vector: Float32Array.from(v), label: bank.classes.indexOf(e.class) })));
    const classify = fitFewShotClassifier(classifier, support.map((s) => s.vector), support.map((s) => s.label), bank.classes.length);
    probabilities = queryProbabilities(classify, embedding, queryViews, augmentation.testTime);
  }
  probabilities = scaleProbabilities(probabilities, bank.probabilityTemperature ?? 1);
  const best = argmax(probabilities);
  const nearestClass = bank.classes[best] as string;
  const abstained = bank.abstention !== null && Math.min(...distances) > bank.abstention.threshold;
  const nearestExamples = bank.examples
    .map((e) => ({ class: e.class, record: e.record, patientId: e.patientId, distance: squaredDistance(embedding, Float32Array.from(e.embedding)) }))
    .sort((a, b) => a.distance - b.distance)
    .slice(0, k);
  return {
    predicted: abstained ? 'unknown' : nearestClass,
    nearestClass,
    probabilities: Object.fromEntries(bank.classes.map((c, i) => [c, probabilities[i] as number])),
    distances: Object.fromEntries(bank.classes.map((c, i) => [c, distances[i] as number])),
    abstained,
    nearestExamples,
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
  if (sorted.length === 0) throw new FewbeatError('cannot calibrate the abstention threshold without validation distances');
  const pos = quantile * (sorted.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(sorted.length - 1, lo + 1);
  return (sorted[lo] as number) + (pos - lo) * ((sorted[hi] as number) - (sorted[lo] as number));
}

/** Check that parsed JSON is a prototype bank, naming the file when not. */
export function parseBank(json: unknown, file: string): PrototypeBank {
  const b = json as Partial<PrototypeBank> | null;
  if (!b || b.format !== 'fewbeat-prototype-bank' || b.version !== 1) throw new FewbeatError('not a fewbeat prototype bank (format/version)', { file });
  if (!Array.isArray(b.classes) || !Array.isArray(b.prototypes) || b.prototypes.length !== b.classes.length || !Array.isArray(b.examples)) {
    throw new FewbeatError('classes, prototypes and examples must be arrays of matching length', { file });
  }
  if (b.classifier !== undefined && b.classifier !== 'prototype' && b.classifier !== 'support-softmax') {
    throw new FewbeatError(`classifier must be "prototype" or "support-softmax", not ${JSON.stringify(b.classifier)}`, { file });
  }
  if (typeof b.dim !== 'number' || b.prototypes.some((p) => !Array.isArray(p) || p.length !== b.dim || p.some((v) => typeof v !== 'number' || !Number.isFinite(v)))) {
    throw new FewbeatError(`every prototype must hold ${b.dim} finite numbers`, { file });
  }
  const isVector = (v: unknown): boolean => Array.isArray(v) && v.length === b.dim && v.every((x) => typeof x === 'number' && Number.isFinite(x));
  const bad = b.examples.findIndex((e: Partial<BankExample> | null) => !e || !b.classes?.includes(e.class as string) || !isVector(e.embedding) || (e.views !== undefined && (!Array.isArray(e.views) || !e.views.every(isVector))));
  if (bad >= 0) throw new FewbeatError(`examples[${bad}] must name an enrolled class and hold ${b.dim} finite numbers (and each of its views)`, { file });
  if (b.supportAugmentation !== undefined) supportAugmentationOf(b, file);
  if (b.probabilityTemperature !== undefined && !(typeof b.probabilityTemperature === 'number' && Number.isFinite(b.probabilityTemperature) && b.probabilityTemperature > 0)) {
    throw new FewbeatError(`probabilityTemperature must be a positive number, not ${JSON.stringify(b.probabilityTemperature)}`, { file });
  }
  return b as PrototypeBank;
}
