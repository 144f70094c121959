import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { listArchiveUnits } from '../archive/archive-units.js';
import { buildIndex } from '../archive/build-index.js';
import { loadIndex, writeIndexHeader, writeShard, type LoadedIndex } from '../archive/index-format.js';
import { searchIndex } from '../archive/search-index.js';
import * as ort from 'onnxruntime-node';
import { NEAREST_PROTOTYPE } from '../fewshot/few-shot-head.js';
import { OnnxGraphBuilder } from '../models/onnx/graph-builder.js';
import { topRowsByClass } from '../archive/top-rows-by-class.js';
import { enrollBank, type BankExample } from '../fewshot/prototype-bank.js';
import { MEASUREMENT_FEATURES } from '../data/measurements.js';
import { readModelDir } from '../model-dir/model-dir.js';
import { initBackend } from '../runtime/backend.js';
import { DEFAULT_COHORT_OPTIONS } from '../synth/cohort.js';
import { writeSyntheticCohort } from '../synth/write-synthetic-cohort.js';
import { Rng } from '../util/rng.js';
import { median, timeRuns } from './timing.js';

/**
 * Archive-search benchmarks:
 *
 * - `search_ms_<n>` (`search_softmax_ms_<n>`): exact search of n synthetic D-dimensional embeddings
 *   (D = 150, unit Gaussian) for one class of a 2-class 5-shot bank with the prototype classifier
 *   (the support softmax), through the few-shot head (`searchIndex`: one scan of linear logits,
 *   the best 4K + 64 through the head), median wall ms; `*_cpu_ms_*` the CPU time of the same calls
 *   (steadier on a shared machine);
 * - `scan_<t>t_ms_<n>`: the scan alone (`topRowsByClass` on t = 1 or 2 ONNX Runtime threads, both
 *   classes, 84 rows kept each: the 8-bit pass and the exact re-scoring), `scan_rescored_<n>` the rows
 *   it re-scored exactly (both classes); the references, same rows: `scan_float32_<t>t_ms_<n>`, the
 *   float32 matrix product on ONNX Runtime with a log-softmax and the best rows picked in JavaScript
 *   (the scan before the 8-bit copy), and `scan_previous_*`, a scan in JavaScript (one pass over the
 *   matrix per class, ‖x − μ‖² directly); the first 8-bit scan of a matrix also makes its copy
 *   (`scan_quantize_ms_<n>`, once per loaded index);
 * - `index_load_ms_<n>` (n ≤ 10^5): reading an index of n windows from disk (`loadIndex`: every shard's entries
 *   parsed and checked, its matrix read and checked against its seal), shards of 512 distinct entries, median;
 * - `bytes_per_embedding`, `vector_mb_per_million`, `entry_mb_per_million` (the window entries as
 *   JavaScript objects, measured on 10^5 distinct entries parsed from JSON): storage and memory;
 * - with `--model DIR` (and `--records N`, `--archive DIR` to index an existing folder instead of a
 *   fresh synthetic one; `--sizes ''` to skip the search sizes), `index_ecg_per_s_threads_<t>` for
 *   t = 1 and 2 decode worker threads: ten-second 12-lead WFDB records (500 Hz, the synthetic
 *   cohort's) indexed end to end (hash, decode, preprocess, measure, embed on ONNX Runtime, write),
 *   recordings per second, with `index_cpu_ms_per_ecg_threads_<t>` (CPU of all threads per
 *   recording, independent of the machine's load) and `load_average` (1 min, at the start).
 */
export async function run(
  options: { sizes?: number[]; runs?: number; model?: string; records?: number; dim?: number; archive?: string } = {},
): Promise<Record<string, number>> {
  const sizes = options.sizes ?? [1e4, 1e5, 1e6];
  const runs = options.runs ?? 5;
  const D = options.dim ?? 150;
  const rng = new Rng(7);
  const out: Record<string, number> = {};
  const examples: BankExample[] = [];
  for (const c of ['a', 'b'])
    for (let k = 0; k < 5; k++)
      examples.push({
        class: c,
        record: `${c}${k}`,
        patientId: `${c}${k}`,
        embedding: Array.from({ length: D }, () => rng.normal() + (c === 'a' ? 0.5 : -0.5)),
      });
  const bank = enrollBank(examples, NEAREST_PROTOTYPE);
  const softmaxBank = enrollBank(examples, { ...NEAREST_PROTOTYPE, classifier: 'support-softmax' });
  out.load_average = loadavg()[0] as number;
  for (const n of sizes) {
    const vectors = new Float32Array(n * D);
    for (let i = 0; i < vectors.length; i++) vectors[i] = rng.normal();
    const entry = {
      kind: 'window' as const,
      row: 0,
      record: '/archive/2019/06/ecg-000000',
      sha256: '0'.repeat(64),
      window: null,
      key: '0'.repeat(64),
      patientId: null,
      labels: [],
      ageYears: null,
      sex: null,
      context: false,
      measurements: MEASUREMENT_FEATURES.map(() => 0),
    };
    const index: LoadedIndex = {
      dir: '',
      header: {
        format: 'fewbeat-archive-index',
        version: 2,
        model: { dir: '', configSha256: '0'.repeat(64) },
        dim: D,
        clinicalDim: 0,
        measurementFeatures: [...MEASUREMENT_FEATURES],
        windowSeconds: 10,
      },
      vectors,
      clinical: new Float32Array(0),
      windows: Array.from({ length: n }, () => entry),
      skipped: [],
      duplicates: [],
      shards: 1,
    };
    const r = Math.max(1, runs);
    // Two untimed calls first: the scan's loops reach V8's optimising tier only after a few chunks' worth of rows.
    const warmup = 2;
    const search = await timeRuns(() => searchIndex(index, bank, { classes: ['a'], top: 20 }), r, warmup);
    out[`search_ms_${n}`] = median(search.wall);
    out[`search_cpu_ms_${n}`] = median(search.cpu);
    const softmax = await timeRuns(() => searchIndex(index, softmaxBank, { classes: ['a'], top: 20 }), r, warmup);
    out[`search_softmax_ms_${n}`] = median(softmax.wall);
    out[`search_softmax_cpu_ms_${n}`] = median(softmax.cpu);
    const logits = { kind: 'distance' as const, directions: bank.prototypes.map((p) => Float32Array.from(p)) };
    const linear = { ...logits, bias: new Float64Array(logits.directions.length) };
    // A fresh copy of the matrix: its first scan makes the 8-bit copy.
    const fresh = vectors.slice();
    const t0 = performance.now();
    const first = await topRowsByClass(fresh, D, linear, 1, [0, 1], [84, 84]);
    out[`scan_quantize_ms_${n}`] = performance.now() - t0;
    out[`scan_rescored_${n}`] = first.reduce((sum, s) => sum + s.rescored, 0);
    for (const threads of [1, 2]) {
      const both = [0, 1];
      const scan = await timeRuns(() => topRowsByClass(fresh, D, linear, 1, both, [84, 84], { threads }), r, warmup);
      out[`scan_${threads}t_ms_${n}`] = median(scan.wall);
      out[`scan_${threads}t_cpu_ms_${n}`] = median(scan.cpu);
      const reference = await timeRuns(() => float32Scan(vectors, D, linear.directions, 84, threads), r, warmup);
      out[`scan_float32_${threads}t_ms_${n}`] = median(reference.wall);
      out[`scan_float32_${threads}t_cpu_ms_${n}`] = median(reference.cpu);
      const kept = await float32Scan(vectors, D, linear.directions, 84, threads);
      const overlap = kept.map((rows, c) => rows.filter((row) => first[c]?.rows.includes(row)).length);
      out[`scan_float32_agreement_${n}`] = Math.min(...overlap) / 84;
    }
    const previous = await timeRuns(() => previousScan(vectors, D, linear.directions), r, 1);
    out[`scan_previous_ms_${n}`] = median(previous.wall);
    out[`scan_previous_cpu_ms_${n}`] = median(previous.cpu);
    if (n <= 1e5) {
      const dir = mkdtempSync(join(tmpdir(), 'fewbeat-bench-index-'));
      try {
        writeIndexHeader(dir, index.header);
        for (let at = 0, shard = 1; at < n; at += 512, shard++) {
          const rows = Math.min(512, n - at);
          const entries = Array.from({ length: rows }, (_, row) => ({
            ...entry,
            row,
            record: `/archive/2019/06/ecg-${String(at + row).padStart(6, '0')}`,
            measurements: MEASUREMENT_FEATURES.map(() => rng.normal()),
          }));
          writeShard(dir, shard, index.header, vectors.subarray(at * D, (at + rows) * D), entries);
        }
        const load = await timeRuns(() => loadIndex(dir), Math.min(r, 3), 0);
        out[`index_load_ms_${n}`] = median(load.wall);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }
  }
  // Storage: D float32 per vector, plus one JSONL entry (measured on a typical entry).
  const entryBytes = JSON.stringify({
    kind: 'window',
    row: 123456,
    record: '/archive/2019/06/ecg-000000',
    sha256: 'f'.repeat(64),
    window: { startS: 0, endS: 10 },
    key: 'f'.repeat(64),
    patientId: null,
    labels: [],
    ageYears: 7.5,
    sex: 'F',
    context: false,
    measurements: MEASUREMENT_FEATURES.map(() => -1.234567),
  }).length;
  out.bytes_per_embedding = D * 4 + entryBytes + 1;
  out.vector_mb_per_million = (D * 4 * 1e6) / 2 ** 20;
  out.entry_mb_per_million = entryMegabytesPerMillion();
  if (options.model) Object.assign(out, await indexThroughput(options.model, options.records ?? 200, options.archive));
  return out;
}

/**
 * The float32 reference: log p(c | x) = LogSoftmax(x W + b) for distance logits (W = 2 μ_c, b_c = −‖μ_c‖²) on ONNX
 * Runtime's float32 matrix product, 65,536 rows per call, and for each class the best `limit` rows by insertion.
 */
async function float32Scan(
  x: Float32Array,
  D: number,
  prototypes: readonly Float32Array[],
  limit: number,
  threads: number,
): Promise<number[][]> {
  const C = prototypes.length;
  const g = new OnnxGraphBuilder();
  g.node('LogSoftmax', [g.node('Add', [g.node('MatMul', ['x', 'w']), 'b'])], { axis: 1 }, 'logp');
  const graph = g.build(
    'float32_scan',
    [
      { name: 'x', shape: ['n', D] },
      { name: 'w', shape: [D, C] },
      { name: 'b', shape: [C] },
    ],
    [{ name: 'logp', shape: ['n', C] }],
    'reference scan',
  );
  const key = `${D} ${C} ${threads}`;
  const session =
    float32Sessions.get(key) ??
    (await ort.InferenceSession.create(graph, { intraOpNumThreads: threads, interOpNumThreads: 1 }));
  float32Sessions.set(key, session);
  const w = new Float32Array(D * C);
  const b = new Float32Array(C);
  prototypes.forEach((mu, c) => {
    for (let d = 0; d < D; d++) w[d * C + c] = 2 * (mu[d] as number);
    b[c] = -mu.reduce((sum, v) => sum + v * v, 0);
  });
  const best = prototypes.map(() => ({ rows: [] as number[], scores: [] as number[] }));
  const n = x.length / D;
  for (let start = 0; start < n; start += 65_536) {
    const rows = Math.min(65_536, n - start);
    const out = await session.run({
      x: new ort.Tensor('float32', x.subarray(start * D, (start + rows) * D), [rows, D]),
      w: new ort.Tensor('float32', w, [D, C]),
      b: new ort.Tensor('float32', b, [C]),
    });
    const logp = out.logp as ort.Tensor;
    const scores = logp.data as Float32Array;
    best.forEach((kept, c) => {
      for (let i = 0; i < rows; i++) {
        const s = scores[i * C + c] as number;
        if (kept.rows.length === limit && !(s > (kept.scores[limit - 1] as number))) continue;
        let at = kept.rows.length;
        while (at > 0 && s > (kept.scores[at - 1] as number)) at--;
        kept.rows.splice(at, 0, start + i);
        kept.scores.splice(at, 0, s);
        if (kept.rows.length > limit) {
          kept.rows.pop();
          kept.scores.pop();
        }
      }
    });
    logp.dispose();
  }
  return best.map((kept) => kept.rows);
}

const float32Sessions = new Map<string, ort.InferenceSession>();

/** The reference scan, in JavaScript: one pass over the matrix per class, ‖x_i − μ_c‖² directly. */
function previousScan(x: Float32Array, D: number, prototypes: readonly Float32Array[]): Float32Array {
  const n = x.length / D;
  const C = prototypes.length;
  const scores = new Float32Array(n * C);
  for (let c = 0; c < C; c++) {
    const mu = prototypes[c] as Float32Array;
    for (let i = 0, o = 0; i < n; i++, o += D) {
      let s = 0;
      for (let d = 0; d < D; d++) {
        const t = (x[o + d] as number) - (mu[d] as number);
        s += t * t;
      }
      scores[i * C + c] = s;
    }
  }
  return scores;
}

/**
 * End-to-end indexing of ten-second 12-lead WFDB records with the model at `modelDir`: the records
 * of `archive`, or of a fresh synthetic cohort of `records` children.
 */
async function indexThroughput(
  modelDir: string,
  records: number,
  archive: string | undefined,
): Promise<Record<string, number>> {
  const root = mkdtempSync(join(tmpdir(), 'fewbeat-bench-archive-'));
  try {
    const folder = archive ?? join(root, 'archive');
    // Realistic ten-second 12-lead records at 500 Hz (the synthetic cohort's WFDB writer, format 16).
    if (!archive) writeSyntheticCohort(folder, { ...DEFAULT_COHORT_OPTIONS, patients: records, seed: 11 });
    await initBackend();
    const trained = readModelDir(modelDir);
    try {
      const { units } = listArchiveUnits(folder);
      const out: Record<string, number> = {};
      for (const threads of [1, 2]) {
        out[`index_load_average_threads_${threads}`] = loadavg()[0] as number;
        const c0 = process.cpuUsage();
        const result = await buildIndex(join(root, `index-${threads}`), units, trained, { threads });
        const c = process.cpuUsage(c0);
        out.index_records = result.embedded;
        out[`index_ecg_per_s_threads_${threads}`] = result.embedded / result.seconds;
        // CPU of this thread and its workers per record: the figure that scales to free cores.
        out[`index_cpu_ms_per_ecg_threads_${threads}`] = (c.user + c.system) / 1000 / result.embedded;
      }
      return out;
    } finally {
      trained.model.dispose();
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

/** Megabytes of JavaScript heap per 10^6 window entries, measured on 10^5 distinct entries parsed from JSON. */
function entryMegabytesPerMillion(): number {
  const n = 1e5;
  const lines = Array.from({ length: n }, (_, i) =>
    JSON.stringify({
      kind: 'window',
      row: i % 512,
      record: `/archive/2019/06/ecg-${String(i).padStart(6, '0')}`,
      sha256: (i * 7919).toString(16).padStart(64, 'a'),
      window: null,
      key: (i * 7919).toString(16).padStart(64, 'a'),
      patientId: null,
      labels: [],
      ageYears: 7.5,
      sex: 'F',
      context: false,
      measurements: MEASUREMENT_FEATURES.map((_, m) => (i % 97) / 7 + m),
    }),
  );
  globalThis.gc?.();
  const before = process.memoryUsage().heapUsed;
  const entries: unknown[] = lines.map((l) => JSON.parse(l) as unknown);
  globalThis.gc?.();
  const bytes = process.memoryUsage().heapUsed - before;
  if (entries.length !== n) throw new Error('unreachable');
  return (bytes * (1e6 / n)) / 2 ** 20;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const arg = (name: string): string | undefined => {
    const i = process.argv.indexOf(name);
    return i > 0 ? process.argv[i + 1] : undefined;
  };
  const model = arg('--model');
  const records = arg('--records');
  const sizes = arg('--sizes');
  const archive = arg('--archive');
  const result = await run({
    ...(archive ? { archive } : {}),
    ...(model ? { model } : {}),
    ...(records ? { records: Number(records) } : {}),
    ...(sizes !== undefined ? { sizes: sizes.split(',').filter(Boolean).map(Number) } : {}),
  });
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
}
