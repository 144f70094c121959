import * as ort from 'onnxruntime-node';
import type { LinearLogits } from '../fewshot/few-shot-head.js';
import { OnnxGraphBuilder } from '../models/onnx/graph-builder.js';
import { CODE_ZERO_POINT, quantizeRows, type QuantizedRows } from './quantized-rows.js';

/**
 * The rows a scan kept for one class, best first, with their scores: the log-odds of the class,
 * log p_T(c | x) − log(1 − p_T(c | x)) = l_c(x) − log Σ_{k≠c} exp l_k(x), which orders rows as
 * p_T(c | x) does without saturating where p rounds to 1 (for a one-class head, where p = 1, the
 * class's own logit with its shared term: −‖x − a‖² / T or the cosine logit).
 */
export interface ScannedRows {
  rows: number[];
  scores: number[];
  /** Rows whose score was computed exactly (the kept rows and those the 8-bit scan could not rule out). */
  rescored: number;
}

export interface ScanOptions {
  /** Threads of ONNX Runtime's pool. @default 2 */
  threads?: number;
  /** Rows per call of the session (bounds the [rows, C] output held at once). @default 65,536 */
  chunkRows?: number;
}

/**
 * The best rows of the contiguous row-major [N, D] float32 matrix `x` for each class `classes[j]`
 * (`limits[j]` rows), by the temperature-scaled probability of the class under linear logits
 * (`FewShotHead.linearLogits`), scored as its log-odds ({@link ScannedRows}):
 *
 *     o_c(x) = l_c(x) − log Σ_{k≠c} exp l_k(x),    l_k(x) = γ(x) x·W_k + b_k
 *     distance logits −‖x − a_k‖² / T:  W_k = 2 a_k / T,  b_k = −‖a_k‖² / T,  γ = 1
 *       (the −‖x‖² / T that every class shares cancels in the softmax)
 *     cosine logits (x·a_k / ‖x‖ + β_k) / T:  W_k = a_k / T,  b_k = β_k / T,  γ = 1 / ‖x‖  (x = 0 gives l = b)
 *
 * The result is exact: the rows and the scores a float64 sort of every row would give (ties keep the
 * lower row). It is found in one pass over an 8-bit copy of the matrix ({@link quantizeRows}, made at
 * the first scan of a matrix and kept, with the rows' norms, until the matrix is garbage; a matrix
 * must not change between scans) with ONNX Runtime's integer matrix product, which reads a quarter
 * of the bytes of the float32 matrix. The columns W_k are split into two 8-bit codes,
 * W_k ≈ Ŵ_k = t_k P_k + (t_k / 254) P'_k, whose error e_k = W_k − Ŵ_k is about 1/64,000 of the
 * column. For row i the approximate logits l̂ = γ s_i (u_i − 128)·Ŵ + b then satisfy
 *
 *     |l̂_k − l_k| ≤ E_i = γ_i (‖r_i‖ max_k ‖W_k‖ + (‖x_i‖ + ‖r_i‖) max_k ‖e_k‖) + float slack
 *
 * and, with m_c = max_{k≠c} l_k and log Σ_{k≠c} exp l_k ∈ [m_c, m_c + log(C − 1)], the surrogate
 * ŝ_c = l̂_c − m̂_c brackets the score: o_c ∈ [ŝ_c − 2E_i − log(C − 1), ŝ_c + 2E_i] (no exponential
 * per row). A row is ruled out when its upper bound falls below the limit-th best lower bound seen
 * so far; every other row is re-scored exactly (float64, from the float32 row) and the best are kept
 * in a binary min-heap. How many rows are re-scored depends on how crowded the top is (`rescored`):
 * on Gaussian rows of 150 dimensions a few times the limit.
 */
export async function topRowsByClass(
  x: Float32Array,
  D: number,
  logits: LinearLogits,
  temperature: number,
  classes: readonly number[],
  limits: readonly number[],
  options: ScanOptions = {},
): Promise<ScannedRows[]> {
  const N = D > 0 ? Math.floor(x.length / D) : 0;
  const C = logits.directions.length;
  const cosine = logits.kind === 'cosine';
  // W as C rows of D (class-major), b, in float64.
  const W = new Float64Array(C * D);
  const b = new Float64Array(C);
  logits.directions.forEach((a, k) => {
    let norm2 = 0;
    for (let d = 0; d < D; d++) {
      const v = a[d] as number;
      W[k * D + d] = ((cosine ? 1 : 2) * v) / temperature;
      norm2 += v * v;
    }
    b[k] = (cosine ? (logits.bias[k] as number) : -norm2) / temperature;
  });
  const kept = classes.map((_, j) => new TopRows(limits[j] ?? 0));
  if (N === 0 || C === 0) return kept.map((h) => h.sorted(0));
  const rows = quantizedRowsOf(x, D);
  const columns = quantizeColumns(W, C, D);
  const session = await productSession(D, C, options.threads ?? 2);
  const chunk = Math.max(1, options.chunkRows ?? 65_536);
  const weights = new ort.Tensor('int8', columns.codes, [D, 2 * C]);
  let maxBias = 0;
  for (const v of b) maxBias = Math.max(maxBias, Math.abs(v));
  const constants: ScanConstants = {
    C,
    cosine,
    b,
    hi: columns.hi,
    lo: columns.lo,
    maxNorm: columns.maxNorm,
    maxError: columns.maxError,
    maxBias,
    // A one-class head's score keeps the −‖x‖² / T that distance logits leave out.
    squaredNormWeight: C === 1 && !cosine ? 1 / temperature : 0,
    rows,
  };
  const band = C > 2 ? Math.log(C - 1) : 0;

  // Lower bounds of the scores (their limit-th best is the threshold), and the rows not ruled out.
  const lower = classes.map((_, j) => new TopRows(limits[j] ?? 0));
  const candidates = classes.map(() => ({ rows: [] as number[], uppers: [] as number[] }));
  const surrogate = new Float64Array(Math.min(chunk, N) * C);
  const bound = new Float64Array(Math.min(chunk, N));
  for (let start = 0; start < N; start += chunk) {
    const n = Math.min(chunk, N - start);
    const out = await session.run({
      u: new ort.Tensor('uint8', rows.codes.subarray(start * D, (start + n) * D), [n, D]),
      w: weights,
    });
    const product = out.products as ort.Tensor;
    boundChunk(product.data as Int32Array, start, n, constants, surrogate, bound);
    product.dispose();
    classes.forEach((c, j) =>
      offerChunk(surrogate, bound, start, n, C, c, band, lower[j] as TopRows, candidates[j] as Candidates),
    );
  }

  // Exact scores of the rows not ruled out by the final threshold.
  const { squaredNormWeight } = constants;
  const l = new Float64Array(C);
  const exactScore = (row: number, c: number): number => {
    let norm2 = 0;
    for (let d = 0; d < D; d++) norm2 += (x[row * D + d] as number) ** 2;
    const gamma = !cosine ? 1 : norm2 > 0 ? 1 / Math.sqrt(norm2) : 0;
    let max = -Infinity;
    for (let k = 0; k < C; k++) {
      let dot = 0;
      for (let d = 0; d < D; d++) dot += (x[row * D + d] as number) * (W[k * D + d] as number);
      l[k] = gamma * dot + (b[k] as number);
      if (k !== c) max = Math.max(max, l[k] as number);
    }
    if (C === 1) return (l[c] as number) - squaredNormWeight * norm2;
    let sum = 0;
    for (let k = 0; k < C; k++) if (k !== c) sum += Math.exp((l[k] as number) - max);
    return (l[c] as number) - max - Math.log(sum);
  };
  return classes.map((c, j) => {
    const threshold = (lower[j] as TopRows).threshold();
    const heap = kept[j] as TopRows;
    let rescored = 0;
    const { rows: rowsIn, uppers } = candidates[j] as Candidates;
    rowsIn.forEach((row, k) => {
      if ((uppers[k] as number) < threshold) return;
      rescored++;
      heap.offer(exactScore(row, c), row);
    });
    return heap.sorted(rescored);
  });
}

/** What the per-row bound needs: the logits' constants, the columns' codes' scales and errors, the 8-bit rows. */
interface ScanConstants {
  C: number;
  cosine: boolean;
  b: Float64Array;
  hi: Float64Array;
  lo: Float64Array;
  maxNorm: number;
  maxError: number;
  maxBias: number;
  squaredNormWeight: number;
  rows: QuantizedRows;
}

/** The rows a scan could not rule out for one class, with their upper bounds. */
interface Candidates {
  rows: number[];
  uppers: number[];
}

/**
 * Rows start … start + n − 1 from their integer products y [n, 2C]: the surrogate scores ŝ [n, C]
 * (ŝ_c = l̂_c − max_{k≠c} l̂_k; one class: l̂_c minus the shared term) and the bounds 2E_i [n].
 * Separate functions for the per-chunk loops: V8 optimises them far better inside the async scan.
 */
function boundChunk(
  y: Int32Array,
  start: number,
  n: number,
  k: ScanConstants,
  surrogate: Float64Array,
  bound: Float64Array,
): void {
  const { C, cosine, b, hi, lo, maxNorm, maxError, maxBias, squaredNormWeight } = k;
  const { norm: norms, residual: residuals, scale: scales } = k.rows;
  for (let i = 0; i < n; i++) {
    const row = start + i;
    const norm = norms[row] as number;
    const r = residuals[row] as number;
    const gamma = cosine ? 1 / Math.max(norm, 1e-30) : 1;
    const f = (scales[row] as number) * gamma;
    const shared = squaredNormWeight * norm * norm;
    const at = i * 2 * C;
    let top = -Infinity;
    let second = -Infinity;
    for (let c = 0; c < C; c++) {
      const v =
        f * ((y[at + c] as number) * (hi[c] as number) + (y[at + C + c] as number) * (lo[c] as number)) +
        (b[c] as number);
      surrogate[i * C + c] = v;
      if (v > top) {
        second = top;
        top = v;
      } else if (v > second) second = v;
    }
    for (let c = 0; c < C; c++) {
      const v = surrogate[i * C + c] as number;
      surrogate[i * C + c] = C === 1 ? v - shared : v - (v === top ? second : top);
    }
    const reach = norm + r;
    const error = gamma * (r * maxNorm + reach * maxError);
    const slack = 1e-6 * (1 + gamma * reach * (maxNorm + maxError) + maxBias + shared);
    bound[i] = 2 * (error + slack);
  }
}

/**
 * For class c, rows start … start + n − 1: each row's lower bound ŝ − 2E − band offered to the heap of lower bounds,
 * and the row kept as a candidate while its upper bound ŝ + 2E reaches the heap's threshold.
 */
function offerChunk(
  surrogate: Float64Array,
  bound: Float64Array,
  start: number,
  n: number,
  C: number,
  c: number,
  band: number,
  lower: TopRows,
  candidates: Candidates,
): void {
  let threshold = lower.threshold();
  for (let i = 0; i < n; i++) {
    const s = surrogate[i * C + c] as number;
    const e = bound[i] as number;
    if (s - e - band > threshold) {
      lower.offer(s - e - band, start + i);
      threshold = lower.threshold();
    }
    if (s + e >= threshold) {
      candidates.rows.push(start + i);
      candidates.uppers.push(s + e);
    }
  }
}

/** Each scanned matrix's 8-bit rows, once made. */
const quantized = new WeakMap<Float32Array, QuantizedRows>();

function quantizedRowsOf(x: Float32Array, D: number): QuantizedRows {
  let rows = quantized.get(x);
  if (!rows || rows.codes.length !== Math.floor(x.length / D) * D) {
    rows = quantizeRows(x, D);
    quantized.set(x, rows);
  }
  return rows;
}

/**
 * The class-major [C, D] float64 weights as the [D, 2C] int8 codes of the product (column k:
 * P_k = round(W_k / t_k), column C + k: P'_k = round(254 (W_k / t_k − P_k)), t_k = max_d |W_kd| / 127),
 * their scales t_k (`hi`) and t_k / 254 (`lo`), max_k ‖W_k‖ and max_k ‖W_k − Ŵ_k‖.
 */
function quantizeColumns(
  W: Float64Array,
  C: number,
  D: number,
): { codes: Int8Array; hi: Float64Array; lo: Float64Array; maxNorm: number; maxError: number } {
  const codes = new Int8Array(D * 2 * C);
  const hi = new Float64Array(C);
  const lo = new Float64Array(C);
  let maxNorm = 0;
  let maxError = 0;
  for (let k = 0; k < C; k++) {
    let max = 0;
    let norm2 = 0;
    for (let d = 0; d < D; d++) {
      const v = W[k * D + d] as number;
      max = Math.max(max, Math.abs(v));
      norm2 += v * v;
    }
    const t = max / 127;
    hi[k] = t;
    lo[k] = t / 254;
    let error2 = 0;
    for (let d = 0; d < D; d++) {
      const v = W[k * D + d] as number;
      const p = t > 0 ? Math.round(v / t) : 0;
      const q = t > 0 ? Math.max(-127, Math.min(127, Math.round(254 * (v / t - p)))) : 0;
      codes[d * 2 * C + k] = p;
      codes[d * 2 * C + C + k] = q;
      const e = v - (t * p + (t / 254) * q);
      error2 += e * e;
    }
    maxNorm = Math.max(maxNorm, Math.sqrt(norm2));
    maxError = Math.max(maxError, Math.sqrt(error2));
  }
  return { codes, hi, lo, maxNorm, maxError };
}

/**
 * The session of a product graph, made once per shape and thread count and kept for the process's
 * life (a few kB of graph and a thread pool each; making one costs more than a scan of 10^4 rows).
 */
function productSession(D: number, C: number, threads: number): Promise<ort.InferenceSession> {
  const key = `${D} ${C} ${threads}`;
  let session = sessions.get(key);
  if (!session) {
    session = ort.InferenceSession.create(productGraph(D, C), {
      intraOpNumThreads: threads,
      interOpNumThreads: 1,
      executionMode: 'sequential',
      graphOptimizationLevel: 'all',
      // No spinning: between two calls the calling thread computes the bounds, and a pool thread spinning on the
      // other core would compete with it (a 10^6 scan measured 195 → 90 ms of CPU, 99 → 58 ms wall).
      extra: { session: { intra_op: { allow_spinning: '0' } } },
    });
    session.catch(() => sessions.delete(key));
    sessions.set(key, session);
  }
  return session;
}

const sessions = new Map<string, Promise<ort.InferenceSession>>();

/**
 * The product graph: codes u [n, D] uint8 (zero point 128), w [D, 2C] int8 → products [n, 2C] int32
 * = MatMulInteger(u, w), exact (|Σ| ≤ 127 · 127 · D < 2^31 for D < 133,000). Only the product runs on
 * ONNX Runtime: its element-wise operators on [n, C] cost more per call than the few multiply-adds
 * per row they would save.
 */
function productGraph(D: number, C: number): Uint8Array {
  const g = new OnnxGraphBuilder();
  g.node('MatMulInteger', ['u', 'w', g.uint8Scalar(CODE_ZERO_POINT)], {}, 'products');
  return g.build(
    'class_products_8bit',
    [
      { name: 'u', shape: ['n', D], type: 'uint8' },
      { name: 'w', shape: [D, 2 * C], type: 'int8' },
    ],
    [{ name: 'products', shape: ['n', 2 * C], type: 'int32' }],
    'the 8-bit rows times the 8-bit class columns',
  );
}

/** The `limit` best (score, row) pairs offered, in a binary min-heap whose root is the worst kept. */
class TopRows {
  private readonly score: Float64Array;
  private readonly row: Int32Array;
  private size = 0;

  constructor(private readonly limit: number) {
    this.score = new Float64Array(Math.max(1, limit));
    this.row = new Int32Array(Math.max(1, limit));
  }

  /** Whether entry i ranks below entry j (lower score, or the same score and a higher row). */
  private worse(i: number, j: number): boolean {
    const si = this.score[i] as number;
    const sj = this.score[j] as number;
    return si < sj || (si === sj && (this.row[i] as number) > (this.row[j] as number));
  }

  private swap(i: number, j: number): void {
    const s = this.score[i] as number;
    this.score[i] = this.score[j] as number;
    this.score[j] = s;
    const r = this.row[i] as number;
    this.row[i] = this.row[j] as number;
    this.row[j] = r;
  }

  offer(score: number, row: number): void {
    if (this.limit <= 0) return;
    if (this.size < this.limit) {
      let j = this.size++;
      this.score[j] = score;
      this.row[j] = row;
      while (j > 0) {
        const p = (j - 1) >> 1;
        if (!this.worse(j, p)) break;
        this.swap(j, p);
        j = p;
      }
      return;
    }
    // Rows come in increasing order, so a tie with the root never displaces it.
    if (!(score > (this.score[0] as number))) return;
    this.score[0] = score;
    this.row[0] = row;
    for (let i = 0; ;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < this.size && this.worse(l, m)) m = l;
      if (r < this.size && this.worse(r, m)) m = r;
      if (m === i) return;
      this.swap(i, m);
      i = m;
    }
  }

  /** The worst kept score once `limit` are kept (−∞ before; +∞ for a limit of 0). */
  threshold(): number {
    if (this.limit <= 0) return Infinity;
    return this.size < this.limit ? -Infinity : (this.score[0] as number);
  }

  /** The kept rows, best first. */
  sorted(rescored: number): ScannedRows {
    const order = Array.from({ length: this.size }, (_, k) => k).sort(
      (p, q) =>
        (this.score[q] as number) - (this.score[p] as number) || (this.row[p] as number) - (this.row[q] as number),
    );
    return {
      rows: order.map((k) => this.row[k] as number),
      scores: order.map((k) => this.score[k] as number),
      rescored,
    };
  }
}
