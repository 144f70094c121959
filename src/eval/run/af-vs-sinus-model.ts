import { relative } from 'node:path';
import { type Example, loadDataset } from '../../data/dataset.js';
import type { Episode } from '../../data/episode-sampler.js';
import type { Cohort } from '../../io/manifest/cohort.js';
import type { TrainedModelDir } from '../../model-dir/model-dir.js';
import { balancedAccuracy } from '../metrics/balanced-accuracy.js';
import { confusionMatrix } from '../metrics/confusion-matrix.js';
import { meanCi95 } from '../metrics/mean-ci.js';
import { AF_VS_SINUS_CLASSES, type EpisodeResult, type RhythmWindow, singleLeadWindow } from './af-vs-sinus.js';
import type { DisjointEpisode } from './patient-disjoint-episodes.js';
import { modelMethod } from './run-evaluation.js';

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

/**
 * The trained model on the same episodes, classifying as it classifies its own few-shot episodes
 * (`modelMethod`: its prototype space and support classifier).
 */
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
  const predictions = modelMethod('full model', trained).predict({
    split: 'novel',
    shape: { ways: classes.length, shots, queries },
    classes,
    pool: examples,
    episodes: asEpisodes,
  });
  const truth: number[] = [];
  const predicted: number[] = [];
  const correct = new Map<number, { right: number; total: number }>();
  for (const p of predictions) {
    const best = p.probabilities.indexOf(Math.max(...p.probabilities));
    const t = p.episodeClasses.indexOf(p.trueClass);
    truth.push(t);
    predicted.push(best);
    const c = correct.get(p.episode) ?? { right: 0, total: 0 };
    c.total++;
    if (best === t) c.right++;
    correct.set(p.episode, c);
  }
  return {
    method: 'full model',
    episode_accuracy: meanCi95([...correct.values()].map((c) => c.right / c.total)),
    balanced_accuracy: balancedAccuracy(confusionMatrix(truth, predicted, classes.length)),
  };
}
