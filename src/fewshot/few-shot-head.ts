import { z } from 'zod';
import { FewbeatError } from '../errors.js';
import { appendContext, contextGateSchema, decideContext, type ContextDecision } from './context-gate.js';
import { argmax, computePrototypes, prototypeProbabilities, squaredDistance } from './prototypes.js';
import { fitSupportClassifier, type ClassProbabilities, type SupportClassifier } from './support-classifier.js';
import { scaleProbabilities } from './temperature-scaling.js';

/** A `{ "<shots>": value }` record: a value calibrated per support size (examples per class). */
const byShotsSchema = z.record(z.string().regex(/^[1-9][0-9]*$/, 'keys are shot counts'), z.number().finite());

/**
 * How the few-shot head turns a support set and a query into an answer (docs/method.md, "How a query
 * is classified"); parsed once when a model directory or a bank is read:
 *
 *     classifier                `prototype`: p(c | q) = softmax_c(−‖q − μ_c‖²) (Snell et al. 2017);
 *                               `support-softmax`: a softmax fitted on the support vectors (Chen et al. 2019)
 *     contextGate               { share κ, weight β, margin } of the clinical-context gate, or null (never)
 *     probabilityTemperatures   { "<shots>": T } temperature scaling of the probabilities (Guo et al. 2017);
 *                               {} = T 1
 *     abstention                { quantile, thresholds: { "<shots>": squared distance } }, or null (never abstain)
 *
 * Per-shot values are read at the shot count nearest the support set's smallest class (the smaller
 * on a tie).
 */
export const fewShotHeadConfigSchema = z.object({
  classifier: z.enum(['prototype', 'support-softmax']),
  contextGate: contextGateSchema.nullable(),
  probabilityTemperatures: byShotsSchema.refine((r) => Object.values(r).every((t) => t > 0), 'temperatures are > 0'),
  abstention: z.object({ quantile: z.number().min(0).max(1), thresholds: byShotsSchema }).nullable(),
});

export type FewShotHeadConfig = z.infer<typeof fewShotHeadConfigSchema>;

/** Nearest prototype, no context, no temperature, no abstention: what validation scores spaces with. */
export const NEAREST_PROTOTYPE: FewShotHeadConfig = {
  classifier: 'prototype',
  contextGate: null,
  probabilityTemperatures: {},
  abstention: null,
};

/**
 * Vectors in the prototype space with integer labels in [0, nClasses) and, when the head has a
 * context gate, each vector's encoded clinical vector c (the head weights it by β).
 */
export interface SupportSet {
  vectors: readonly Float32Array[];
  labels: readonly number[];
  nClasses: number;
  clinical?: readonly Float32Array[] | null;
}

/** Query vectors in the prototype space and, where known, their encoded clinical vectors (null: none given). */
export interface QuerySet {
  vectors: readonly Float32Array[];
  clinical?: readonly (Float32Array | null)[] | null;
}

/** The abstention rule a fitted head applies: "unknown" beyond `threshold` from every prototype. */
export interface Abstention {
  /** Squared-distance threshold. */
  threshold: number;
  /** The quantile of validation own-class distances it was set at. */
  quantile: number;
  /** Shots per class of the validation episodes it was calibrated on. */
  shots: number;
}

/** The head's answer for one query. */
export interface HeadPrediction {
  /** p(c | q) over the support set's classes, temperature-scaled. */
  probabilities: number[];
  /** argmax of the probabilities (first on ties), even when abstaining. */
  predicted: number;
  /** Squared distance to each class prototype (prototype space, no context). */
  distances: number[];
  /** Farther than the abstention threshold from every prototype. */
  abstained: boolean;
  /** The `nearest` support examples closest to the query (index into the support set, squared distance). */
  nearest: Array<{ index: number; distance: number }>;
  /** Whether the clinical context joined the classifier (the gate opened and the query has a context). */
  contextUsed: boolean;
}

/** The value calibrated for the shot count nearest `shots`, the smaller on a tie (null when empty). */
export function atNearestShots(
  byShots: Record<string, number>,
  shots: number,
): { value: number; shots: number } | null {
  const entries = Object.entries(byShots).map(([k, v]) => [Number(k), v] as const);
  if (entries.length === 0) return null;
  const [k, value] = entries.sort((a, b) => Math.abs(a[0] - shots) - Math.abs(b[0] - shots) || a[0] - b[0])[0] as [
    number,
    number,
  ];
  return { value, shots: k };
}

/** See {@link FewShotHead.linearLogits}. */
export interface LinearLogits {
  kind: 'distance' | 'cosine';
  /** [C] vectors a_c, each [D]. */
  directions: readonly Float32Array[];
  /** [C] b_c (zeros for `distance`). */
  bias: Float64Array;
}

interface Fitted {
  support: SupportSet;
  prototypes: Float32Array[];
  decision: ContextDecision | null;
  weightedClinical: Float32Array[] | null;
  classify: ClassProbabilities;
  /** The support-set softmax classifier when the head uses one (its parameters). */
  supportClassifier: SupportClassifier | null;
  temperature: number;
  abstention: Abstention | null;
}

/**
 * The few-shot head: the one place a support set and queries become probabilities, abstention and
 * nearest examples, for evaluation, validation, calibration, enrolment and prediction alike. As
 * easyfsl's few-shot classifiers (`process_support_set`, then `forward`): {@link fit} on a support
 * set, then {@link predict} queries, one at a time (inductive). Stages, in order:
 *
 * 1. prototypes μ_c, the class means of the support vectors (distances, abstention and the
 *    nearest examples always use them);
 * 2. the context gate (src/fewshot/context-gate.ts) decides on the support set whether the clinical
 *    context joins the classifier: then every vector becomes [x; β·c];
 * 3. the classifier is fitted on the (possibly extended) support vectors;
 * 4. a query's probabilities are the classifier's, at temperature T;
 * 5. it abstains when its squared distance to every prototype exceeds the threshold.
 *
 * Plain float64/float32 TypeScript over vectors the model has already computed: no tensors.
 */
export class FewShotHead {
  private fitted: Fitted | null = null;

  constructor(readonly config: FewShotHeadConfig) {}

  /** Fit the head on a support set (every class needs an example); returns the head. */
  fit(support: SupportSet): this {
    const { vectors, labels, nClasses } = support;
    if (vectors.length === 0) throw new FewbeatError('the few-shot head needs at least one support example');
    const prototypes = computePrototypes(vectors, labels, nClasses);
    const gate = this.config.contextGate;
    let decision: ContextDecision | null = null;
    let weightedClinical: Float32Array[] | null = null;
    if (gate) {
      const clinical = support.clinical;
      if (!clinical || clinical.length !== vectors.length)
        throw new FewbeatError('the context gate needs the clinical vector of every support example');
      weightedClinical = clinical.map((c) => weighted(c, gate.weight));
      decision = decideContext(vectors, weightedClinical, labels, nClasses, gate.margin);
    }
    const fitVectors = decision?.used
      ? vectors.map((v, i) => appendContext(v, (weightedClinical as Float32Array[])[i] as Float32Array))
      : vectors;
    const supportClassifier =
      this.config.classifier === 'support-softmax' ? fitSupportClassifier(fitVectors, labels, nClasses) : null;
    const classify: ClassProbabilities =
      supportClassifier !== null
        ? supportClassifier
        : fitVectors === vectors
          ? (x) => prototypeProbabilities(x, prototypes).probabilities
          : (
              (contextPrototypes) => (x: Float32Array) =>
                prototypeProbabilities(x, contextPrototypes).probabilities
            )(computePrototypes(fitVectors, labels, nClasses));
    const counts = new Array<number>(nClasses).fill(0);
    for (const y of labels) counts[y] = (counts[y] as number) + 1;
    const shots = Math.min(...counts);
    const threshold = this.config.abstention ? atNearestShots(this.config.abstention.thresholds, shots) : null;
    this.fitted = {
      support,
      prototypes,
      decision,
      weightedClinical,
      classify,
      supportClassifier,
      temperature: atNearestShots(this.config.probabilityTemperatures, shots)?.value ?? 1,
      abstention:
        threshold && this.config.abstention
          ? { threshold: threshold.value, quantile: this.config.abstention.quantile, shots: threshold.shots }
          : null,
    };
    return this;
  }

  private state(): Fitted {
    if (!this.fitted) throw new Error('FewShotHead.predict before fit');
    return this.fitted;
  }

  /** The class prototypes of the fitted support set. */
  get prototypes(): readonly Float32Array[] {
    return this.state().prototypes;
  }

  /** What the context gate decided on the support set (null: the head has no gate). */
  get contextDecision(): ContextDecision | null {
    return this.state().decision;
  }

  /** The temperature T the probabilities are scaled at (read for the support set's size). */
  get temperature(): number {
    return this.state().temperature;
  }

  /**
   * The classifier's logits for a query without clinical context, as a function of the query x
   * that is linear in x (or in x/‖x‖): p(c | x) = softmax_c(l_c(x) / T) with T = {@link temperature}
   * (up to the probability floor of temperature scaling), where
   *
   *     kind 'distance':  l_c(x) = −‖x − a_c‖²              (prototype classifier, a_c = μ_c)
   *     kind 'cosine':    l_c(x) = a_c · x/‖x‖ + b_c       (support softmax, a_c = W_c)
   *
   * so that a scan of many queries needs only the dot products x · a_c and ‖x‖². Null when the
   * context gate opened (queries with a clinical vector are classified on [x; β·c]).
   */
  get linearLogits(): LinearLogits | null {
    const f = this.state();
    if (f.decision?.used) return null;
    if (f.supportClassifier)
      return {
        kind: 'cosine',
        directions: f.supportClassifier.weights.map((w) => Float32Array.from(w)),
        bias: Float64Array.from(f.supportClassifier.bias),
      };
    return { kind: 'distance', directions: f.prototypes, bias: new Float64Array(f.prototypes.length) };
  }

  /** The abstention rule for the support set's size (null: never abstains). */
  get abstention(): Abstention | null {
    return this.state().abstention;
  }

  /**
   * Classify each query on its own. A query's clinical vector joins the classifier only when the
   * gate opened on the support set and the query has one; `nearest` support examples are listed.
   */
  predict(queries: QuerySet, { nearest = 0 }: { nearest?: number } = {}): HeadPrediction[] {
    const f = this.state();
    const gate = this.config.contextGate;
    const dim = f.support.vectors[0]?.length ?? 0;
    return queries.vectors.map((x, i) => {
      if (x.length !== dim)
        throw new FewbeatError(`a query vector has ${x.length} values but the support vectors ${dim}`);
      const c = queries.clinical?.[i] ?? null;
      const contextUsed = f.decision?.used === true && c !== null && gate !== null;
      if (contextUsed && c.length !== f.weightedClinical?.[0]?.length)
        throw new FewbeatError(
          `a query's clinical vector has ${c.length} values but the support set's ${f.weightedClinical?.[0]?.length}`,
        );
      const distances = f.prototypes.map((p) => squaredDistance(x, p));
      const probabilities = scaleProbabilities(
        f.classify(contextUsed ? appendContext(x, weighted(c, gate.weight)) : x),
        f.temperature,
      );
      return {
        probabilities,
        predicted: argmax(probabilities),
        distances,
        abstained: f.abstention !== null && Math.min(...distances) > f.abstention.threshold,
        nearest:
          nearest > 0
            ? f.support.vectors
                .map((s, index) => ({ index, distance: squaredDistance(x, s) }))
                .sort((a, b) => a.distance - b.distance)
                .slice(0, nearest)
            : [],
        contextUsed,
      };
    });
  }
}

/** β·c, in float32 as the vectors it joins. */
function weighted(c: Float32Array, weight: number): Float32Array {
  return c.map((x) => weight * x);
}
