import { FewbeatError } from '../errors.js';
import { bankHead, checkBankModel, type PrototypeBank } from '../fewshot/prototype-bank.js';
import type { CohortWindow } from '../io/manifest/index.js';
import type { LoadedIndex } from './index-format.js';
import { topRowsByClass } from './top-rows-by-class.js';

/** One window of the archive found for a class. */
export interface SearchHit {
  rank: number;
  record: string;
  window: CohortWindow | null;
  /** The bank's calibrated probability of the class (its few-shot head, temperature-scaled). */
  probability: number;
  /** Squared distance to the class prototype in the model's prototype space. */
  distance: number;
  /** Whether the head abstains on the window (farther than its threshold from every prototype). */
  abstained: boolean;
  patientId: string | null;
  labels: string[];
  ageYears: number | null;
  sex: 'M' | 'F' | null;
  /** The window's measurements by name (null = not measured). */
  measurements: Record<string, number | null>;
}

/** The ranking of the archive for one class. */
export interface ClassSearch {
  class: string;
  hits: SearchHit[];
  /** Windows ranked. */
  scanned: number;
  /** Windows left out as the bank's own examples. */
  enrolledExcluded: number;
}

export interface SearchOptions {
  /** Classes to rank the archive for (default: every class of the bank). */
  classes?: readonly string[];
  /** Hits per class. @default 20 */
  top?: number;
  /** Keep the bank's own support examples among the hits. @default false */
  includeEnrolled?: boolean;
  /** Windows per call of the head. @default 8192 */
  chunk?: number;
}

/** Whether `v` is (up to float rounding) one of the support vectors `support`. */
function isSupportVector(v: Float32Array, support: readonly Float32Array[]): boolean {
  let norm = 0;
  for (let d = 0; d < v.length; d++) norm += (v[d] as number) * (v[d] as number);
  const tolerance = 1e-6 * (1 + norm);
  return support.some((s) => {
    let sum = 0;
    for (let d = 0; d < v.length && sum <= tolerance; d++) {
      const diff = (v[d] as number) - (s[d] as number);
      sum += diff * diff;
    }
    return sum <= tolerance;
  });
}

/** Keep the `limit` best of rows 0..n−1 under `before` (a strict order), among those `accept` lets in; sorted. */
function topRows(
  n: number,
  limit: number,
  before: (a: number, b: number) => boolean,
  accept: (i: number) => boolean,
): number[] {
  const best: number[] = [];
  for (let i = 0; i < n; i++) {
    if (best.length === limit && !before(i, best[limit - 1] as number)) continue;
    if (!accept(i)) continue;
    let at = best.length;
    while (at > 0 && before(i, best[at - 1] as number)) at--;
    best.splice(at, 0, i);
    if (best.length > limit) best.pop();
  }
  return best;
}

/**
 * Rank every window of an index for each class by the bank's calibrated probability p(c | window)
 * from its few-shot head ({@link bankHead}: fitted on the bank's examples, queried with the clinical
 * vector where the window had a known context), ties broken by the distance to the class
 * prototype. The bank's own examples are left out unless asked for (they would be the first hits).
 *
 * When no clinical context joins the classifier, p(c | x) = softmax_c(l_c(x) / T) with logits
 * linear in x (`FewShotHead.linearLogits`: −‖x − μ_c‖² for the prototype classifier, Snell et al.
 * 2017; W_c·x/‖x‖ + b_c for the support softmax; temperature as Guo et al. 2017), so one pass over
 * the contiguous [N, D] matrix scores every window for every class asked for ({@link topRowsByClass}:
 * an 8-bit matrix product on ONNX Runtime under an error bound, the rows it cannot rule out re-scored
 * exactly, a heap of the best per class); the best 4K + 64 of each class by that score go through the
 * head's `predict`, whose probabilities and distances are the ones ranked and reported. A one-class
 * bank, where every probability is 1, is scanned by the distance to its prototype. Otherwise every
 * window goes through `predict`.
 */
export async function searchIndex(
  index: LoadedIndex,
  bank: PrototypeBank,
  options: SearchOptions = {},
): Promise<ClassSearch[]> {
  const { dim: D, clinicalDim: F, measurementFeatures } = index.header;
  checkBankModel(bank, index.header.model.configSha256, `the index's (${index.header.model.dir})`);
  if (bank.dim !== D)
    throw new FewbeatError(
      `the bank holds ${bank.dim}-dimensional prototypes but the index ` +
        `${D}-dimensional vectors: was it enrolled with another model?`,
    );
  const classes = options.classes ?? bank.classes;
  for (const c of classes)
    if (!bank.classes.includes(c))
      throw new FewbeatError(`class ${c} is not in the bank (it holds ${bank.classes.join(', ')})`);
  const top = options.top ?? 20;
  const chunk = options.chunk ?? 8192;
  const head = bankHead(bank);
  const C = bank.classes.length;
  const N = index.windows.length;
  const useClinical = F > 0 && head.contextDecision?.used === true && bank.examples[0]?.clinical?.length === F;
  const clinicalOf = (i: number): Float32Array | null =>
    useClinical && index.windows[i]?.context ? index.clinical.subarray(i * F, (i + 1) * F) : null;
  const vectorOf = (i: number): Float32Array => index.vectors.subarray(i * D, (i + 1) * D);
  const predictRows = (rows: readonly number[]) =>
    head.predict({ vectors: rows.map(vectorOf), clinical: rows.map(clinicalOf) });
  // Fast path: the classifier's logits are linear in each window's vector (no clinical context joins it). With one
  // class every probability is 1 and the ranking is by the distance to its prototype: distance logits for any head.
  const linear =
    head.linearLogits && C === 1
      ? { kind: 'distance' as const, directions: head.prototypes, bias: new Float64Array(1) }
      : head.linearLogits;

  // Full path: every window through the head, probabilities and distances kept, [N, C].
  let probabilities: Float32Array | null = null;
  let distances: Float32Array | null = null;
  if (!linear) {
    probabilities = new Float32Array(N * C);
    distances = new Float32Array(N * C);
    for (let start = 0; start < N; start += chunk) {
      const rows = Array.from({ length: Math.min(N, start + chunk) - start }, (_, j) => start + j);
      predictRows(rows).forEach((p, j) => {
        probabilities?.set(p.probabilities, (start + j) * C);
        distances?.set(p.distances, (start + j) * C);
      });
    }
  }

  const supportOf = (c: number): Float32Array[] =>
    options.includeEnrolled
      ? []
      : bank.examples.filter((e) => e.class === bank.classes[c]).map((e) => Float32Array.from(e.embedding));
  const wanted = classes.map((name) => bank.classes.indexOf(name));
  // One scan for every class: the best 4K + 64 of each (and room for the bank's own examples); the head ranks those.
  const scanned = linear
    ? await topRowsByClass(
        index.vectors,
        D,
        linear,
        head.temperature,
        wanted,
        wanted.map((c) => 4 * top + 64 + supportOf(c).length),
      )
    : null;
  return classes.map((name, j) => {
    const c = wanted[j] as number;
    const support = supportOf(c);
    let enrolledExcluded = 0;
    const accept = (i: number): boolean => {
      if (support.length > 0 && isSupportVector(vectorOf(i), support)) {
        enrolledExcluded++;
        return false;
      }
      return true;
    };
    let ranked: Array<{ row: number; probability: number; distance: number }>;
    if (scanned) {
      const candidates = (scanned[j] as { rows: number[] }).rows.filter(accept);
      ranked = predictRows(candidates).map((p, j) => ({
        row: candidates[j] as number,
        probability: p.probabilities[c] as number,
        distance: p.distances[c] as number,
      }));
    } else {
      const prob = probabilities as Float32Array;
      const dist = distances as Float32Array;
      ranked = topRows(
        N,
        top,
        (a, b) =>
          (prob[a * C + c] as number) > (prob[b * C + c] as number) ||
          (prob[a * C + c] === prob[b * C + c] && (dist[a * C + c] as number) < (dist[b * C + c] as number)),
        accept,
      ).map((row) => ({ row, probability: prob[row * C + c] as number, distance: dist[row * C + c] as number }));
    }
    ranked.sort((a, b) => b.probability - a.probability || a.distance - b.distance);
    const best = ranked.slice(0, top);
    const predictions = predictRows(best.map((r) => r.row));
    // The kept rows in the order of the head's own (float64) probabilities, which the hits report: a float32
    // score can order two probabilities within 1e-7 of each other the other way round.
    const final = best
      .map((r, k) => ({
        ...r,
        probability: predictions[k]?.probabilities[c] ?? r.probability,
        abstained: predictions[k]?.abstained === true,
      }))
      .sort((a, b) => b.probability - a.probability || a.distance - b.distance);
    const hits = final.map((r, k): SearchHit => {
      const w = index.windows[r.row];
      if (!w) throw new Error('unreachable: a ranked row has its entry');
      return {
        rank: k + 1,
        record: w.record,
        window: w.window,
        probability: r.probability,
        distance: r.distance,
        abstained: r.abstained,
        patientId: w.patientId,
        labels: w.labels,
        ageYears: w.ageYears,
        sex: w.sex,
        measurements: Object.fromEntries(measurementFeatures.map((f, m) => [f, w.measurements[m] ?? null])),
      };
    });
    return { class: name, hits, scanned: N, enrolledExcluded };
  });
}

/**
 * Precision at K: the share of the first K hits whose labels include `label` (hits beyond the list
 * count as misses, so a short list cannot inflate it).
 */
export function precisionAtK(hits: readonly SearchHit[], label: string, k: number): number {
  if (!(k > 0)) throw new FewbeatError(`precision at K needs K > 0, got ${k}`);
  return hits.slice(0, k).filter((h) => h.labels.includes(label)).length / k;
}
