import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { listArchiveUnits } from '../archive/archive-units.js';
import { buildIndex } from '../archive/build-index.js';
import type { LoadedIndex } from '../archive/index-format.js';
import { searchIndex } from '../archive/search-index.js';
import { NEAREST_PROTOTYPE } from '../fewshot/few-shot-head.js';
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
 * - `search_ms_<n>`: exact search of n synthetic D-dimensional embeddings (D = 32, unit Gaussian)
 *   for one class of a 2-class 5-shot bank, through the few-shot head (`searchIndex`), median wall ms;
 * - `scan_ms_<n>`: the distance scan alone, ‖x_i − μ_c‖² for every row of the contiguous [n, D]
 *   float32 matrix and every prototype, a tight loop (what ranking by distance to a prototype costs);
 *   `*_cpu_ms_*` the CPU time of the same calls (steadier on a shared machine);
 * - `bytes_per_embedding`, `mb_per_million`: the index's storage and memory per window (vector + entry);
 * - with `--model DIR` (and `--records N`; `--sizes 1e4,1e5` or `--sizes ''` for the search sizes),
 *   `index_ecg_per_s_threads_{0,2}` (decoding in this thread or on 2 worker threads): ten-second 12-lead WFDB records
 *   (500 Hz, the synthetic cohort's) written to a temporary folder, indexed end to end (hash, decode,
 *   preprocess, measure, embed, write), recordings per second (patients may have several recordings).
 */
export async function run(
  options: { sizes?: number[]; runs?: number; model?: string; records?: number; dim?: number } = {},
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
        version: 1,
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
    const r = Math.max(1, n >= 1e6 ? Math.min(runs, 3) : runs);
    const search = await timeRuns(() => searchIndex(index, bank, { classes: ['a'], top: 20 }), r, 1);
    out[`search_ms_${n}`] = median(search.wall);
    out[`search_cpu_ms_${n}`] = median(search.cpu);
    const prototypes = bank.prototypes.map((p) => Float32Array.from(p));
    const scores = new Float32Array(n * prototypes.length);
    const scan = await timeRuns(() => scanDistances(vectors, D, prototypes, scores), runs, 1);
    out[`scan_ms_${n}`] = median(scan.wall);
    out[`scan_cpu_ms_${n}`] = median(scan.cpu);
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
  if (options.model) Object.assign(out, await indexThroughput(options.model, options.records ?? 200));
  return out;
}

/** scores[i·C + c] = ‖x_i − μ_c‖² over the contiguous row-major [n, D] matrix `x`. */
export function scanDistances(
  x: Float32Array,
  D: number,
  prototypes: readonly Float32Array[],
  scores: Float32Array,
): void {
  const n = x.length / D;
  const C = prototypes.length;
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
}

/** End-to-end indexing of synthetic ten-second 12-lead WFDB records with the model at `modelDir`. */
async function indexThroughput(modelDir: string, records: number): Promise<Record<string, number>> {
  const root = mkdtempSync(join(tmpdir(), 'fewbeat-bench-archive-'));
  try {
    // Realistic ten-second 12-lead records at 500 Hz (the synthetic cohort's WFDB writer, format 16).
    writeSyntheticCohort(join(root, 'archive'), { ...DEFAULT_COHORT_OPTIONS, patients: records, seed: 11 });
    await initBackend();
    const trained = readModelDir(modelDir);
    try {
      const { units } = listArchiveUnits(join(root, 'archive'));
      const out: Record<string, number> = {};
      for (const threads of [0, 2]) {
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

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const arg = (name: string): string | undefined => {
    const i = process.argv.indexOf(name);
    return i > 0 ? process.argv[i + 1] : undefined;
  };
  const model = arg('--model');
  const records = arg('--records');
  const sizes = arg('--sizes');
  const result = await run({
    ...(model ? { model } : {}),
    ...(records ? { records: Number(records) } : {}),
    ...(sizes !== undefined ? { sizes: sizes.split(',').filter(Boolean).map(Number) } : {}),
  });
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
}
