import { FewbeatError } from '../errors.js';
import { bankHead, type PrototypeBank } from '../fewshot/prototype-bank.js';
import type { CohortWindow } from '../io/manifest/index.js';
import type { LoadedIndex } from './index-format.js';

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

/**
 * Rank every window of an index for each class by the bank's calibrated probability p(c | window)
 * from its few-shot head ({@link bankHead}: fitted on the bank's examples, queried window by window
 * with the clinical vector where the window had a known context), ties broken by the distance to
 * the class prototype. The bank's own examples are left out unless asked for (they would be the
 * first hits).
 */
export function searchIndex(index: LoadedIndex, bank: PrototypeBank, options: SearchOptions = {}): ClassSearch[] {
  const { dim: D, clinicalDim: F, measurementFeatures } = index.header;
  if (bank.dim !== D)
    throw new FewbeatError(
      `the bank holds ${bank.dim}-dimensional prototypes but the index ${D}-dimensional vectors: was it enrolled with another model?`,
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
  const probabilities = new Float32Array(N * C);
  const distances = new Float32Array(N * C);
  const abstained = new Uint8Array(N);
  const useClinical = F > 0 && head.contextDecision?.used === true && bank.examples[0]?.clinical?.length === F;
  for (let start = 0; start < N; start += chunk) {
    const end = Math.min(N, start + chunk);
    const vectors: Float32Array[] = [];
    const clinical: Array<Float32Array | null> = [];
    for (let i = start; i < end; i++) {
      vectors.push(index.vectors.subarray(i * D, (i + 1) * D));
      clinical.push(useClinical && index.windows[i]?.context ? index.clinical.subarray(i * F, (i + 1) * F) : null);
    }
    head.predict({ vectors, clinical }).forEach((p, j) => {
      const i = start + j;
      probabilities.set(p.probabilities, i * C);
      distances.set(p.distances, i * C);
      abstained[i] = p.abstained ? 1 : 0;
    });
  }
  const supportOf = (c: number): Float32Array[] =>
    bank.examples.filter((e) => e.class === bank.classes[c]).map((e) => Float32Array.from(e.embedding));
  return classes.map((name) => {
    const c = bank.classes.indexOf(name);
    const support = options.includeEnrolled ? [] : supportOf(c);
    // Top-k by (probability desc, distance asc), kept sorted; the support check runs only on candidates.
    const best: number[] = [];
    const before = (a: number, b: number): boolean =>
      (probabilities[a * C + c] as number) > (probabilities[b * C + c] as number) ||
      ((probabilities[a * C + c] as number) === (probabilities[b * C + c] as number) &&
        (distances[a * C + c] as number) < (distances[b * C + c] as number));
    let enrolledExcluded = 0;
    for (let i = 0; i < N; i++) {
      if (best.length === top && !before(i, best[top - 1] as number)) continue;
      if (support.length > 0 && isSupportVector(index.vectors.subarray(i * D, (i + 1) * D), support)) {
        enrolledExcluded++;
        continue;
      }
      let at = best.length;
      while (at > 0 && before(i, best[at - 1] as number)) at--;
      best.splice(at, 0, i);
      if (best.length > top) best.pop();
    }
    const hits = best.map((i, r): SearchHit => {
      const w = index.windows[i];
      if (!w) throw new Error('unreachable: a ranked row has its entry');
      return {
        rank: r + 1,
        record: w.record,
        window: w.window,
        probability: probabilities[i * C + c] as number,
        distance: distances[i * C + c] as number,
        abstained: abstained[i] === 1,
        patientId: w.patientId,
        labels: w.labels,
        ageYears: w.ageYears,
        sex: w.sex,
        measurements: Object.fromEntries(measurementFeatures.map((f, k) => [f, w.measurements[k] ?? null])),
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
