import { relative } from 'node:path';
import { type Example, loadDataset } from '../../data/dataset.js';
import type { Episode } from '../../data/episode-sampler.js';
import type { Cohort } from '../../io/manifest/cohort.js';
import type { TrainedModelDir } from '../../model-dir/model-dir.js';
import { AF_VS_SINUS_CLASSES, type EpisodeResult, type RhythmWindow, singleLeadWindow } from './af-vs-sinus.js';
import type { DisjointEpisode } from './patient-disjoint-episodes.js';
import { modelEpisodeResult } from './model-episode-result.js';

/**
 * The windows as model examples: a cohort of one row per window (no clinical fields; age and sex
 * from the record), each read as the single lead `lead` and preprocessed for the model (its lead
 * mask marks the other leads absent). Each example also carries its measurements.
 */
export function windowExamples(
  dir: string,
  windows: readonly RhythmWindow[],
  lead: string,
  trained: TrainedModelDir,
): Example[] {
  const cohort: Cohort = {
    dir,
    schema: { version: 1, fields: [] },
    rows: windows.map((w, i) => ({
      line: i + 2,
      record: relative(dir, w.recordPath),
      recordPath: w.recordPath,
      patientId: w.patientId,
      labels: [AF_VS_SINUS_CLASSES[w.label] as string],
      ageYears: w.ageYears,
      sex: w.sex,
      split: null,
      window: w.window,
      clinical: {},
    })),
  };
  return loadDataset(cohort, trained.spec, {
    loadRecord: (row) => singleLeadWindow(windows[row.line - 2] as RhythmWindow, lead),
  }).examples;
}

/** The trained model on the same episodes as the other methods ({@link modelEpisodeResult}). */
export function modelResult(
  trained: TrainedModelDir,
  examples: Example[],
  episodes: readonly DisjointEpisode[],
  shots: number,
  queries: number,
): EpisodeResult {
  const classes = [...AF_VS_SINUS_CLASSES];
  const asEpisodes: Episode[] = episodes.map((e, index) => ({
    index,
    classes,
    support: e.support,
    supportLabels: e.supportLabels,
    query: e.queries,
    queryLabels: e.queryLabels,
  }));
  return modelEpisodeResult('full model', trained, examples, asEpisodes, { ways: classes.length, shots, queries });
}
