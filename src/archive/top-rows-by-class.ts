import * as ort from 'onnxruntime-node';
import type { LinearLogits } from '../fewshot/few-shot-head.js';
import { OnnxGraphBuilder } from '../models/onnx/graph-builder.js';

/** The rows a scan kept for one class, best first, with their scores log p_T(c | x). */
export interface ScannedRows {
  rows: number[];
  scores: number[];
}

export interface ScanOptions {
  /** Threads of ONNX Runtime's pool. @default 2 */
  threads?: number;
  /** Rows per call of the session (bounds the [rows, C] output held at once). @default 262,144 */
  chunkRows?: number;
}

/**
 * The best rows of the contiguous row-major [N, D] float32 matrix `x` for each class `classes[j]`
 * (`limits[j]` rows), by the temperature-scaled log-probability of the class under linear logits
 * (`FewShotHead.linearLogits`), in one pass over the matrix on ONNX Runtime (its MLAS matrix product
 * reads the matrix at the machine's full vector width):
 *
 *     log p_T(· | x) = LogSoftmax((x W) ⊙ g(x) + b)                      [rows, C]
 *     distance logits −‖x − a_k‖²:  W = 2 [a_1 … a_C] / T,  b_k = −‖a_k‖² / T,  g(x) = 1
 *       (the −‖x‖² / T that every class shares cancels in the softmax)
 *     cosine logits x·a_k / ‖x‖ + b_k:  W = [a_1 … a_C] / T,  b_k / T,  g(x) = 1 / ‖x‖  (x = 0 gives 0 logits + b)
 *
 * For cosine logits the rows' 1/‖x‖ are computed in the first pass over a matrix and kept (by the
 * matrix object, until it is garbage; a matrix must not change between scans) for later scans, which
 * then read the matrix once. The best rows per class are kept in a binary min-heap (N log limit at
 * worst, no sort of N scores); ties keep the lower row. Scores are float32; callers re-rank the kept
 * rows exactly.
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
  const w = new Float32Array(D * C);
  const b = new Float32Array(C);
  logits.directions.forEach((a, k) => {
    let norm2 = 0;
    for (let d = 0; d < D; d++) {
      const v = a[d] as number;
      w[d * C + k] = ((cosine ? 1 : 2) * v) / temperature;
      norm2 += v * v;
    }
    b[k] = (cosine ? (logits.bias[k] as number) : -norm2) / temperature;
  });
  const heaps = classes.map((_, j) => new TopRows(limits[j] ?? 0));
  if (N === 0 || C === 0) return heaps.map((h) => h.sorted());
  const known = cosine ? inverseNorms.get(x) : undefined;
  const norms = cosine ? (known ?? new Float32Array(N)) : null;
  const session = await scoreSession(D, C, !cosine ? 'none' : known ? 'given' : 'computed', options.threads ?? 2);
  const chunk = Math.max(1, options.chunkRows ?? 262_144);
  const weights = new ort.Tensor('float32', w, [D, C]);
  const bias = new ort.Tensor('float32', b, [C]);
  for (let start = 0; start < N; start += chunk) {
    const n = Math.min(chunk, N - start);
    const out = await session.run({
      x: new ort.Tensor('float32', x.subarray(start * D, (start + n) * D), [n, D]),
      w: weights,
      b: bias,
      ...(known ? { g: new ort.Tensor('float32', known.subarray(start, start + n), [n, 1]) } : {}),
    });
    if (norms && !known) {
      const g = out.g as ort.Tensor;
      norms.set(g.data as Float32Array, start);
      g.dispose();
    }
    const logp = out.logp as ort.Tensor;
    const scores = logp.data as Float32Array;
    classes.forEach((c, j) => {
      const heap = heaps[j] as TopRows;
      for (let i = 0; i < n; i++) heap.offer(scores[i * C + c] as number, start + i);
    });
    logp.dispose();
  }
  if (norms && !known) inverseNorms.set(x, norms);
  return heaps.map((h) => h.sorted());
}

/**
 * The session of a scoring graph, made once per shape, mode and thread count and kept for the
 * process's life (a few kB of graph and a thread pool each; making one costs more than a scan of 10^4 rows).
 */
function scoreSession(
  D: number,
  C: number,
  norms: 'none' | 'computed' | 'given',
  threads: number,
): Promise<ort.InferenceSession> {
  const key = `${D} ${C} ${norms} ${threads}`;
  let session = sessions.get(key);
  if (!session) {
    session = ort.InferenceSession.create(scoreGraph(D, C, norms), {
      intraOpNumThreads: threads,
      interOpNumThreads: 1,
      executionMode: 'sequential',
      graphOptimizationLevel: 'all',
    });
    session.catch(() => sessions.delete(key));
    sessions.set(key, session);
  }
  return session;
}

const sessions = new Map<string, Promise<ort.InferenceSession>>();

/** Each scanned matrix's rows' 1/‖x‖ (1e30 for a zero row), once computed. */
const inverseNorms = new WeakMap<Float32Array, Float32Array>();

/**
 * The scoring graph: x [n, D], w [D, C], b [C] → logp [n, C] (see {@link topRowsByClass}); with
 * `norms` 'computed' also g = 1/‖x‖ [n, 1] as an output, with 'given' g as an input.
 */
function scoreGraph(D: number, C: number, norms: 'none' | 'computed' | 'given'): Uint8Array {
  const g = new OnnxGraphBuilder();
  let s = g.node('MatMul', ['x', 'w']);
  if (norms === 'computed') {
    const norm = g.node('ReduceL2', ['x'], { axes: [1], keepdims: 1 });
    g.node('Reciprocal', [g.node('Max', [norm, g.scalar(1e-30)])], {}, 'g');
  }
  if (norms !== 'none') s = g.node('Mul', [s, 'g']);
  g.node('LogSoftmax', [g.node('Add', [s, 'b'])], { axis: 1 }, 'logp');
  const gValue = { name: 'g', shape: ['n', 1] };
  return g.build(
    'class_scores',
    [
      { name: 'x', shape: ['n', D] },
      { name: 'w', shape: [D, C] },
      { name: 'b', shape: [C] },
      ...(norms === 'given' ? [gValue] : []),
    ],
    [{ name: 'logp', shape: ['n', C] }, ...(norms === 'computed' ? [gValue] : [])],
    'log p_T(c | x) under linear logits, for every row x and class c',
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

  /** The kept rows, best first. */
  sorted(): ScannedRows {
    const order = Array.from({ length: this.size }, (_, k) => k).sort(
      (p, q) =>
        (this.score[q] as number) - (this.score[p] as number) || (this.row[p] as number) - (this.row[q] as number),
    );
    return { rows: order.map((k) => this.row[k] as number), scores: order.map((k) => this.score[k] as number) };
  }
}
