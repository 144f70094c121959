import { z } from 'zod';
import { totalVariance } from '../util/total-variance.js';
import { logSumExp } from '../util/softmax.js';

/**
 * The clinical context joins the few-shot classifier when the support set itself shows that it
 * separates the classes being taught ("support-gated clinical context").
 *
 * With it, a recording's vector is x⁺ = [x; β·c]: x its vector in the model's prototype space,
 * c its encoded clinical vector (`ClinicalEncoder.encode`: standardised numerics, one-hot
 * categories, booleans, multi-hot labels, a missingness indicator per field), and
 * β = √(κ · Σ_d var(x_d) / Σ_d var(c_d)), fitted on validation children, so that the share κ is
 * the clinical part's weight in squared distances relative to the whole space.
 *
 * The gate: for a support set S = {(s_i, y_i)}, the leave-one-out negative log-likelihood of the
 * nearest prototype,
 *
 *     L(S) = −(1/n′) Σ_{i : n(y_i) ≥ 2} log softmax_c(−‖s_i − μ_c^(−i)‖²)[y_i]
 *
 * (μ_c^(−i) the class means without s_i; n′ the examples whose class has another one), is
 * computed with and without the context, and the context is used when L(S⁺) < L(S) − margin. A
 * support set with one example per class cannot show it: the context is not used.
 *
 * Why: whether the child's context tells classes apart depends on the classes. Junctional ectopic
 * tachycardia follows cardiac surgery, while neonatal flutter meets a structurally normal heart; for
 * sinus rhythm against sinus bradycardia the context is noise. A fixed weight learnt on the base
 * classes cannot know which case a new class is, but its K examples can: leave-one-out
 * cross-validatory choice (Stone, "Cross-validatory choice and assessment of statistical
 * predictions", JRSS B 1974) on the support set, with the nearest-prototype classifier of Snell et
 * al. 2017 as the scorer. Everything else — prototypes, distances, abstention, the nearest
 * examples — stays in the space without the context.
 */
export interface ContextGate {
  /** κ, the clinical part's share of squared distances (0 turns the context off). */
  share: number;
  /** β, the multiplier of the encoded clinical vector, fitted from κ on validation children. */
  weight: number;
  /** The drop in leave-one-out NLL (nats per support example) the context must bring. */
  margin: number;
}

/** What the gate decided for one support set. */
export interface ContextDecision {
  used: boolean;
  /** Leave-one-out NLL of the support set without and with the context (null: one example per class). */
  nllWithout: number | null;
  nllWith: number | null;
}

/** A gate as config.json and banks record it. */
export const contextGateSchema = z.object({
  share: z.number().min(0).finite(),
  weight: z.number().min(0).finite(),
  margin: z.number().min(0).finite(),
});

/**
 * The gate at share κ, its β fitted on `vectors` (the validation children's vectors in the
 * prototype space) and `clinical` (their encoded clinical vectors): β = √(κ·Σvar(x)/Σvar(c)).
 * Null when κ = 0 or the clinical vectors do not vary.
 */
export function fitContextGate(
  vectors: readonly Float32Array[],
  clinical: readonly Float32Array[],
  share: number,
  margin: number,
): ContextGate | null {
  if (share === 0 || vectors.length === 0) return null;
  const clinicalVariance = totalVariance(clinical);
  if (!(clinicalVariance > 1e-12)) return null;
  return { share, weight: Math.sqrt((share * totalVariance(vectors)) / clinicalVariance), margin };
}

/** [x; c]. */
export function appendContext(x: Float32Array, c: Float32Array): Float32Array {
  const v = new Float32Array(x.length + c.length);
  v.set(x);
  v.set(c, x.length);
  return v;
}

/**
 * L(S), the leave-one-out nearest-prototype NLL of a support set (see {@link ContextGate}),
 * accumulated in float64; null when no class has two examples.
 */
export function leaveOneOutNll(
  vectors: readonly Float32Array[],
  labels: readonly number[],
  nClasses: number,
): number | null {
  const dim = vectors[0]?.length ?? 0;
  const sums = Array.from({ length: nClasses }, () => new Float64Array(dim));
  const counts = new Array<number>(nClasses).fill(0);
  vectors.forEach((v, i) => {
    const y = labels[i] as number;
    counts[y] = (counts[y] as number) + 1;
    const s = sums[y] as Float64Array;
    for (let d = 0; d < dim; d++) s[d] = (s[d] as number) + (v[d] as number);
  });
  let total = 0;
  let n = 0;
  vectors.forEach((v, i) => {
    const y = labels[i] as number;
    if ((counts[y] as number) < 2) return;
    const logits: number[] = [];
    for (let c = 0; c < nClasses; c++) {
      const own = c === y;
      const k = (counts[c] as number) - (own ? 1 : 0);
      if (k === 0) continue;
      const s = sums[c] as Float64Array;
      let dist = 0;
      for (let d = 0; d < dim; d++)
        dist += ((v[d] as number) - ((s[d] as number) - (own ? (v[d] as number) : 0)) / k) ** 2;
      logits[c] = -dist;
    }
    const present = logits.filter((x) => x !== undefined);
    total += logSumExp(present) - (logits[y] as number);
    n++;
  });
  return n === 0 ? null : total / n;
}

/** The gate's decision for a support set: `vectors` in the prototype space, `context` their β·c. */
export function decideContext(
  vectors: readonly Float32Array[],
  context: readonly Float32Array[],
  labels: readonly number[],
  nClasses: number,
  margin: number,
): ContextDecision {
  const nllWithout = leaveOneOutNll(vectors, labels, nClasses);
  if (nllWithout === null) return { used: false, nllWithout: null, nllWith: null };
  const nllWith = leaveOneOutNll(
    vectors.map((v, i) => appendContext(v, context[i] as Float32Array)),
    labels,
    nClasses,
  ) as number;
  return { used: nllWith < nllWithout - margin, nllWithout, nllWith };
}
