import { ClinicalEncoder } from '../clinical/encode.js';
import { loadCohortEcg } from '../io/load-ecg.js';
import type { Cohort } from '../io/manifest/cohort.js';
import type { CohortMix } from './cohort-mix.js';
import { measureRecording } from './measurements.js';
import { resolveClassSplit, type ClassSplit } from './class-split.js';
import { cohortRowOf, loadDataset, type Dataset, type Example, type LoadDatasetOptions } from './dataset.js';
import type { PreprocessSpec } from './preprocess.js';
import { splitPatients, type SplitName } from './splits.js';

/** A cohort ready for meta-training and evaluation: examples, patient splits, class split, encoder. */
export interface PreparedCohort {
  dataset: Dataset;
  classes: ClassSplit;
  /** Examples per split (train/val/test: base classes only; novel: every recording of a novel-class child). */
  parts: Record<SplitName, Example[]>;
  /** The clinical encoder, fitted on the training examples only. */
  encoder: ClinicalEncoder;
  /** A mixed cohort's cohorts and their sampling weights (`prepareMixedCohort`); absent for one cohort. */
  mix?: CohortMix;
}

export interface PrepareOptions extends Pick<LoadDatasetOptions, 'onRow' | 'loadRecord'> {
  base?: readonly string[] | undefined;
  novel?: readonly string[] | undefined;
  seed: number;
  /** Fewest base classes the run needs. @default 2 (meta-training); evaluation passes 0. */
  minBase?: number;
}

/**
 * Load a cohort for a run: resolve base/novel classes, load and preprocess the recordings of those
 * classes, split patients (see {@link splitPatients}) and fit the clinical encoder on training rows.
 * Every example keeps the split of its patient; a novel-split child's base-class recordings are
 * dropped (they belong to a child meta-training must not see, and are not novel-class queries).
 */
export function prepareCohort(cohort: Cohort, spec: PreprocessSpec, options: PrepareOptions): PreparedCohort {
  const cohortClasses = [...new Set(cohort.rows.flatMap((r) => r.labels))];
  const classes = resolveClassSplit(cohortClasses, options, options.minBase);
  const dataset = loadDataset(cohort, spec, {
    classes: new Set([...classes.novel, ...classes.base]),
    measure: false,
    ...(options.onRow ? { onRow: options.onRow } : {}),
    ...(options.loadRecord ? { loadRecord: options.loadRecord } : {}),
  });
  // A recording with both a novel and a base label counts as novel.
  const novel = new Set(classes.novel);
  for (const e of dataset.examples) {
    const n = e.labels.find((l) => novel.has(l));
    if (n) e.label = n;
  }
  const split = splitPatients(dataset.examples, { base: classes.base, novel: classes.novel, seed: options.seed });
  const parts: Record<SplitName, Example[]> = { train: [], val: [], test: [], novel: [] };
  dataset.examples.forEach((e, i) => {
    const s = split[i];
    if (!s) return;
    if (s === 'novel' && !novel.has(e.label)) return;
    parts[s].push(e);
  });
  // Measurements (for measurement prototype spaces) only where prototypes are built: validation,
  // test and novel children; meta-training never uses them.
  const load = options.loadRecord ?? loadCohortEcg;
  const rowOf = cohortRowOf(cohort);
  for (const e of [...parts.val, ...parts.test, ...parts.novel]) e.measurements = measureRecording(load(rowOf(e)), e);
  const encoder = ClinicalEncoder.fit(cohort.schema, parts.train);
  return { dataset, classes, parts, encoder };
}
