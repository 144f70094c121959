import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { prepareCohort, type PreparedCohort } from '../data/prepare-cohort.js';
import type { PreprocessSpec } from '../data/preprocess.js';
import { readCohort } from '../io/manifest/index.js';
import type { ModelConfigInput } from '../models/config.js';
import { DEFAULT_COHORT_OPTIONS } from '../synth/cohort.js';
import { writeSyntheticCohort } from '../synth/write-synthetic-cohort.js';
import { trainConfigSchema } from '../model-dir/train-config.js';

/**
 * A small but real training set-up for tests: a 60-child synthetic cohort of 6 classes (novel:
 * jet, vt), 5 s at 50 Hz on 4 leads, a narrow model and a 6-episode budget (seconds on wasm).
 */
export const TINY_SPEC: PreprocessSpec = {
  fs: 50,
  samples: 250,
  leads: ['I', 'II', 'V1', 'V5'],
  bandpassHz: [0.5, 20],
  filterOrder: 2,
};

export const TINY_MODEL: ModelConfigInput = {
  ecg: { stemChannels: 8, blocks: [{ out: 8, stride: 4, kernel: 5 }], embedDim: 16 },
  clinical: { hidden: [8], embedDim: 16 },
  projDim: 8,
};

export const TINY_TRAINING = trainConfigSchema.parse({
  episodes: 6,
  ways: 3,
  shots: 2,
  queries: 2,
  validateEvery: 3,
  validationEpisodes: 4,
  patience: 5,
});

/** Write the tiny cohort into a new temporary folder and prepare it. */
export function tinyCohort(): { root: string; cohortDir: string; prepared: PreparedCohort } {
  const root = mkdtempSync(join(tmpdir(), 'fewbeat-tiny-'));
  const cohortDir = join(root, 'cohort');
  writeSyntheticCohort(cohortDir, {
    ...DEFAULT_COHORT_OPTIONS,
    patients: 60,
    fs: 100,
    duration: 6,
    classes: ['nsr', 'svt', 'chb', 'lqts', 'jet', 'vt'],
  });
  return {
    root,
    cohortDir,
    prepared: prepareCohort(readCohort(cohortDir), TINY_SPEC, { novel: ['jet', 'vt'], seed: 3 }),
  };
}
