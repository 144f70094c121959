import { resolve } from 'node:path';
import { modelConfigSha256 } from '../model-dir/model-dir.js';
import { INDEX_FORMAT, INDEX_VERSION, writeIndexHeader, writeShard, type IndexEntry } from '../archive/index-format.js';
import { MEASUREMENT_FEATURES } from '../data/measurements.js';
import { loadEcg } from '../io/load-ecg.js';
import { readModelDir } from '../model-dir/model-dir.js';
import { modelVectors } from '../model-dir/model-vectors.js';
import type { TinyRecord } from './tiny-model.js';
import { Rng } from '../util/rng.js';
import { clinicalInputOf, modelInput } from '../serve/model/model-ops.js';

/** The embeddings of records as the service embeds an uploaded case with its age and sex. */
function embed(modelDir: string, records: readonly TinyRecord[]): Float32Array[] {
  const trained = readModelDir(modelDir);
  const inputs = records.map((r) => {
    const hea = r.files.find((f) => f.name.endsWith('.hea'));
    if (!hea) throw new Error(`${r.record}: no .hea file`);
    const context = clinicalInputOf({ age_years: r.ageYears, sex: r.sex }, trained.encoder.state.schema);
    return modelInput(trained, loadEcg(hea.path.replace(/\.hea$/, '')), context);
  });
  return [...modelVectors(trained, inputs).vectors];
}

/** The mean of vectors, with Gaussian noise of `sd` times the mean's root mean square added. */
function near(vectors: readonly Float32Array[], sd: number, rng: Rng): Float32Array {
  const D = vectors[0]?.length ?? 0;
  const mean = new Float32Array(D);
  for (const v of vectors)
    for (let d = 0; d < D; d++) mean[d] = (mean[d] as number) + (v[d] as number) / vectors.length;
  const rms = Math.sqrt(mean.reduce((s, x) => s + x * x, 0) / Math.max(1, D));
  return mean.map((x) => x + rng.normal(0, sd * rms));
}

/** What {@link plantedIndex} wrote: the planted windows' records (in the archive's terms) and patient ids. */
export interface PlantedIndex {
  planted: Array<{ record: string; patientId: string; zHr: number }>;
  windows: number;
}

/**
 * An archive index for the service's archive tests, written as `fewbeat index` writes one for the
 * model at `modelDir` (its config hash, prototype space and measurement names): `planted` windows
 * close to the prototype of the records `plantedLike` (their embeddings as the service computes
 * a case's, mean plus 2 % noise) and `background` windows each close to one of `backgroundLike`
 * (10 % noise). A bank taught from those records ranks the planted windows first for their class.
 * Each planted window carries a heart-rate z-score (`z_hr`) of 2 + its number.
 */
export function plantedIndex(opts: {
  modelDir: string;
  dir: string;
  plantedLike: readonly TinyRecord[];
  backgroundLike: readonly TinyRecord[];
  planted: number;
  background: number;
  seed?: number;
}): PlantedIndex {
  const rng = new Rng(opts.seed ?? 7);
  const trained = readModelDir(opts.modelDir);
  const like = embed(opts.modelDir, opts.plantedLike);
  const others = embed(opts.modelDir, opts.backgroundLike);
  const D = like[0]?.length ?? 0;
  const F = trained.head.contextGate ? trained.encoder.size : 0;
  const header = {
    format: INDEX_FORMAT,
    version: INDEX_VERSION,
    model: { dir: resolve(opts.modelDir), configSha256: modelConfigSha256(opts.modelDir) },
    dim: D,
    clinicalDim: F,
    measurementFeatures: [...MEASUREMENT_FEATURES],
    windowSeconds: 10,
  } satisfies Parameters<typeof writeIndexHeader>[1];
  writeIndexHeader(opts.dir, header);
  const windows: Array<{ vector: Float32Array; name: string; zHr: number }> = [];
  for (let k = 0; k < opts.background; k++)
    windows.push({
      vector: near([others[k % others.length] as Float32Array], 0.1, rng),
      name: `background-${k}`,
      zHr: 0,
    });
  // Planted among the background, not at its start: the ranking, not the row order, must find them.
  const step = Math.max(1, Math.floor(opts.background / Math.max(1, opts.planted)));
  const planted: PlantedIndex['planted'] = [];
  for (let k = 0; k < opts.planted; k++) {
    const name = `planted-${k}`;
    windows.splice(Math.min(windows.length, k * step + 1), 0, { vector: near(like, 0.02, rng), name, zHr: 2 + k });
    planted.push({ record: `/archive/${name}`, patientId: `patient-${name}`, zHr: 2 + k });
  }
  const zHr = MEASUREMENT_FEATURES.indexOf('z_hr');
  const entries: IndexEntry[] = windows.map((w, row) => ({
    kind: 'window',
    row,
    record: `/archive/${w.name}`,
    sha256: w.name,
    window: { startS: 0, endS: 10 },
    key: w.name,
    patientId: `patient-${w.name}`,
    labels: [],
    ageYears: 8,
    sex: 'F',
    context: false,
    measurements: MEASUREMENT_FEATURES.map((_, m) => (m === zHr ? w.zHr : null)),
  }));
  const matrix = new Float32Array(windows.length * (D + F));
  windows.forEach((w, i) => matrix.set(w.vector, i * (D + F)));
  writeShard(opts.dir, 0, header, matrix, entries);
  return { planted, windows: windows.length };
}

/**
 * The index the archive tests search (service and browser): `planted` = 3 windows near three `jet` records of the
 * tiny cohort among `background` windows near three `nsr` and three `vt` records; a bank taught from `jet` and `nsr`
 * (returned) ranks the planted windows first for `jet`.
 */
export function jetArchiveIndex(
  tiny: { modelDir: string; records: readonly TinyRecord[] },
  dir: string,
  background: number,
): { index: PlantedIndex; jet: TinyRecord[]; nsr: TinyRecord[] } {
  const byLabel = (label: string): TinyRecord[] => tiny.records.filter((r) => r.label === label).slice(0, 3);
  const [jet, nsr] = [byLabel('jet'), byLabel('nsr')];
  const index = plantedIndex({
    modelDir: tiny.modelDir,
    dir,
    plantedLike: jet,
    backgroundLike: [...nsr, ...byLabel('vt')],
    planted: 3,
    background,
  });
  return { index, jet, nsr };
}
