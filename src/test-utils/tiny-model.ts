import { copyFileSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { initBackend } from '../runtime/backend.js';
import { TINY_MODEL, TINY_TRAINING, tinyCohort } from './tiny-run.js';
import { trainModel } from '../train/train-model.js';
import { withContentHash } from '../util/content-hash.js';

/** One record of the tiny cohort: its label, the files of its WFDB record, and the child's age and sex. */
export interface TinyRecord {
  record: string;
  label: string;
  base: string;
  files: Array<{ name: string; path: string }>;
  ageYears: number | null;
  sex: 'M' | 'F' | null;
}

/**
 * A small trained model for the service's tests (the tiny 60-child, 6-class synthetic cohort and a
 * 6-episode budget of src/train/test-support/tiny-run.ts; seconds on wasm), with its cohort's records.
 */
export async function tinyModel(): Promise<{
  root: string;
  modelDir: string;
  cohortDir: string;
  records: TinyRecord[];
  cleanup: () => void;
}> {
  await initBackend('wasm');
  const tiny = tinyCohort();
  const modelDir = join(tiny.root, 'model');
  const result = await trainModel({
    prepared: tiny.prepared,
    outDir: modelDir,
    preset: 'default',
    seed: 3,
    training: TINY_TRAINING,
    modelOverrides: TINY_MODEL,
  });
  result.model.dispose();
  const lines = readFileSync(join(tiny.cohortDir, 'manifest.csv'), 'utf8').trim().split('\n');
  const header = (lines[0] as string).split(',');
  const col = (name: string): number => header.indexOf(name);
  const records = lines.slice(1).map((line) => {
    const cells = line.split(',');
    const record = cells[col('record')] as string;
    const base = record.split('/').pop() as string;
    const dir = join(tiny.cohortDir, record, '..');
    const files = readdirSync(dir)
      .filter((n) => n === `${base}.hea` || n === `${base}.dat`)
      .map((name) => ({ name, path: join(dir, name) }));
    const age = cells[col('age_years')];
    const sex = cells[col('sex')];
    return {
      record,
      label: cells[col('label')] as string,
      base,
      files,
      ageYears: age ? Number(age) : null,
      sex: sex === 'M' || sex === 'F' ? sex : null,
    } satisfies TinyRecord;
  });
  return {
    root: tiny.root,
    modelDir,
    cohortDir: tiny.cohortDir,
    records,
    cleanup: () => rmSync(tiny.root, { recursive: true, force: true }),
  };
}

/**
 * Another model made from `modelDir` at `dir`: a copy whose config.json chooses another prototype
 * space (`[h; √α·g]`, α = 0.77), so that its identity (config SHA-256) and its vectors differ while
 * the network is the same.
 */
export function otherPrototypeSpaceModel(modelDir: string, dir: string): string {
  mkdirSync(dir, { recursive: true });
  for (const f of readdirSync(modelDir)) copyFileSync(join(modelDir, f), join(dir, f));
  const { sha256: _hash, ...config } = JSON.parse(readFileSync(join(modelDir, 'config.json'), 'utf8')) as Record<
    string,
    unknown
  >;
  const other = { ...config, prototypeSpace: { kind: 'ecg+clinical', alpha: 0.77 } };
  writeFileSync(join(dir, 'config.json'), JSON.stringify(withContentHash(other)));
  return dir;
}
