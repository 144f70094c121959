import type { LinearLogits } from '../fewshot/few-shot-head.js';

/** The rows a scan kept, best first, with their scores. */
export interface ScannedRows {
  rows: number[];
  scores: number[];
}

/**
 * The `limit` rows of the contiguous row-major [N, D] float32 matrix `x` with the highest
 * temperature-scaled log-probability of class `c` under linear logits (see
 * `FewShotHead.linearLogits`), in one pass over the matrix:
 *
 *     s_k(x) = l_k(x) / T,   score(x) = s_c(x) − log Σ_k exp s_k(x)   (= log p_T(c | x))
 *     distance: l_k(x) = −(‖x‖² − 2 x·a_k + ‖a_k‖²)      cosine: l_k(x) = x·a_k / ‖x‖ + b_k
 *
 * Each row is read once (its ‖x‖² and the C dot products from the cache), the dot products with
 * four independent accumulators; the best rows are kept in a binary min-heap of `limit` entries
 * (N log limit at worst, no sort of N scores). Ties keep the lower row. Memory: O(limit).
 */
export function scanTopRows(
  x: Float32Array,
  D: number,
  logits: LinearLogits,
  c: number,
  temperature: number,
  limit: number,
): ScannedRows {
  const N = D > 0 ? Math.floor(x.length / D) : 0;
  const a = logits.directions;
  const C = a.length;
  const cosine = logits.kind === 'cosine';
  const bias = logits.bias;
  const aNorm = a.map((v) => dot(v, 0, v, D));
  const invT = 1 / temperature;
  const s = new Float64Array(C);
  // Min-heap on (score, −row): the root is the worst kept row.
  const heapScore = new Float64Array(Math.max(1, limit));
  const heapRow = new Int32Array(Math.max(1, limit));
  let size = 0;
  const worse = (i: number, j: number): boolean =>
    (heapScore[i] as number) < (heapScore[j] as number) ||
    (heapScore[i] === heapScore[j] && (heapRow[i] as number) > (heapRow[j] as number));
  const swap = (i: number, j: number): void => {
    const ts = heapScore[i] as number;
    heapScore[i] = heapScore[j] as number;
    heapScore[j] = ts;
    const tr = heapRow[i] as number;
    heapRow[i] = heapRow[j] as number;
    heapRow[j] = tr;
  };
  const siftDown = (from: number): void => {
    let i = from;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < size && worse(l, m)) m = l;
      if (r < size && worse(r, m)) m = r;
      if (m === i) return;
      swap(i, m);
      i = m;
    }
  };
  for (let i = 0, o = 0; i < N && limit > 0; i++, o += D) {
    const norm2 = dot(x, o, x, D, o);
    let max = -Infinity;
    for (let k = 0; k < C; k++) {
      const xa = dot(x, o, a[k] as Float32Array, D);
      const l = cosine
        ? xa / (norm2 > 0 ? Math.sqrt(norm2) : 1) + (bias[k] as number)
        : -(norm2 - 2 * xa + (aNorm[k] as number));
      const v = l * invT;
      s[k] = v;
      if (v > max) max = v;
    }
    let z = 0;
    for (let k = 0; k < C; k++) z += Math.exp((s[k] as number) - max);
    const score = (s[c] as number) - max - Math.log(z);
    if (size < limit) {
      // Sift up.
      let j = size++;
      heapScore[j] = score;
      heapRow[j] = i;
      while (j > 0) {
        const p = (j - 1) >> 1;
        if (!worse(j, p)) break;
        swap(j, p);
        j = p;
      }
    } else if (score > (heapScore[0] as number)) {
      heapScore[0] = score;
      heapRow[0] = i;
      siftDown(0);
    }
  }
  const order = Array.from({ length: size }, (_, k) => k).sort(
    (p, q) => (heapScore[q] as number) - (heapScore[p] as number) || (heapRow[p] as number) - (heapRow[q] as number),
  );
  return { rows: order.map((k) => heapRow[k] as number), scores: order.map((k) => heapScore[k] as number) };
}

/** Σ_d u[uo + d]·v[vo + d] over D values, with four independent accumulators. */
function dot(u: Float32Array, uo: number, v: Float32Array, D: number, vo = 0): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let d = 0;
  for (; d + 3 < D; d += 4) {
    s0 += (u[uo + d] as number) * (v[vo + d] as number);
    s1 += (u[uo + d + 1] as number) * (v[vo + d + 1] as number);
    s2 += (u[uo + d + 2] as number) * (v[vo + d + 2] as number);
    s3 += (u[uo + d + 3] as number) * (v[vo + d + 3] as number);
  }
  for (; d < D; d++) s0 += (u[uo + d] as number) * (v[vo + d] as number);
  return s0 + s1 + s2 + s3;
}
