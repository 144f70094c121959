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
 * Each row is read once per pair of directions (the dot products with both and ‖x‖² in one loop);
 * the best rows are kept in a binary min-heap of `limit` entries (N log limit at worst, no sort of
 * N scores). Ties keep the lower row. Memory: O(limit).
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
  // Directions in pairs (the last one paired with zeros when C is odd): each pair is one pass over the row.
  const zeros = new Float32Array(D);
  const pairs = Math.ceil(C / 2);
  const out = new Float64Array(3);
  const xa = new Float64Array(2 * pairs);
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
    let norm2 = 0;
    for (let p = 0; p < pairs; p++) {
      pairDots(x, o, a[2 * p] as Float32Array, a[2 * p + 1] ?? zeros, D, out);
      xa[2 * p] = out[0] as number;
      xa[2 * p + 1] = out[1] as number;
      norm2 = out[2] as number;
    }
    let max = -Infinity;
    for (let k = 0; k < C; k++) {
      const l = cosine
        ? (xa[k] as number) / (norm2 > 0 ? Math.sqrt(norm2) : 1) + (bias[k] as number)
        : -(norm2 - 2 * (xa[k] as number) + (aNorm[k] as number));
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

/**
 * out = [x·p, x·q, ‖x‖²] for the row of `x` at offset `o` (D values), in one pass with two
 * accumulators each (the row is read once; six independent sums keep the FPU busy).
 */
function pairDots(x: Float32Array, o: number, p: Float32Array, q: Float32Array, D: number, out: Float64Array): void {
  let p0 = 0;
  let p1 = 0;
  let q0 = 0;
  let q1 = 0;
  let n0 = 0;
  let n1 = 0;
  let d = 0;
  for (; d + 1 < D; d += 2) {
    const v = x[o + d] as number;
    const w = x[o + d + 1] as number;
    n0 += v * v;
    n1 += w * w;
    p0 += v * (p[d] as number);
    p1 += w * (p[d + 1] as number);
    q0 += v * (q[d] as number);
    q1 += w * (q[d + 1] as number);
  }
  if (d < D) {
    const v = x[o + d] as number;
    n0 += v * v;
    p0 += v * (p[d] as number);
    q0 += v * (q[d] as number);
  }
  out[0] = p0 + p1;
  out[1] = q0 + q1;
  out[2] = n0 + n1;
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
