import { importMitdb } from '../../io/adapters/mitdb.js';
import type { Ecg } from '../../io/ecg.js';
import { loadCohortEcg } from '../../io/load-ecg.js';
import type { CohortRow, CohortWindow } from '../../io/manifest/cohort.js';
import { canonicalLead } from '../../signal/lead-registry.js';
import { confusionMatrix } from '../metrics/confusion-matrix.js';
import { balancedAccuracy } from '../metrics/balanced-accuracy.js';
import { type MeanCi, meanCi95 } from '../metrics/mean-ci.js';
import type { DisjointEpisode } from './patient-disjoint-episodes.js';
import { nearestPrototype } from './rr-anchor.js';

/** The classes of the task, in index order. */
export const AF_VS_SINUS_CLASSES = ['nsr', 'afib'] as const;

/** One recording (or one window of a longer one), labelled by the rhythm annotated over it. */
export interface RhythmWindow {
  recordPath: string;
  patientId: string;
  /** Index into `AF_VS_SINUS_CLASSES`. */
  label: number;
  /** The seconds of the record it covers; null = the whole record. */
  window: CohortWindow | null;
  ageYears: number | null;
  sex: 'M' | 'F' | null;
}

/**
 * The atrial fibrillation (`afib`) and normal sinus rhythm (`nsr`) rows of a cohort (rows with exactly one of the
 * two labels and no other). At most `maxPerPatient` rows per patient and class, evenly spaced over the patient's
 * rows in order, so that a few long records do not dominate the pool.
 */
export function rhythmWindows(
  rows: ReadonlyArray<
    Pick<CohortRow, 'recordPath' | 'patientId' | 'ageYears' | 'sex'> & {
      labels: readonly string[];
      window?: CohortWindow | null | undefined;
    }
  >,
  opts: { maxPerPatient?: number } = {},
): RhythmWindow[] {
  const groups = new Map<string, RhythmWindow[]>();
  for (const r of rows) {
    const label = AF_VS_SINUS_CLASSES.indexOf(r.labels[0] as (typeof AF_VS_SINUS_CLASSES)[number]);
    if (label < 0 || r.labels.length !== 1) continue;
    const key = `${r.patientId}\u0000${label}`;
    const list = groups.get(key) ?? [];
    list.push({
      recordPath: r.recordPath,
      patientId: r.patientId,
      label,
      window: r.window ?? null,
      ageYears: r.ageYears,
      sex: r.sex,
    });
    groups.set(key, list);
  }
  const cap = opts.maxPerPatient ?? Infinity;
  return [...groups.values()].flatMap((list) => {
    if (list.length <= cap) return list;
    return Array.from({ length: cap }, (_, k) => list[Math.floor((k * list.length) / cap)] as RhythmWindow);
  });
}

/**
 * The AF and sinus-rhythm windows of annotated MIT-BIH-style records, placed inside the rhythm episodes as
 * `fewbeat import mitdb` places them (noisy windows dropped), at most `maxPerPatient` per patient and class.
 */
export function afVsSinusWindows(
  mitdbDir: string,
  opts: { windowS?: number; maxPerPatient?: number } = {},
): RhythmWindow[] {
  return rhythmWindows(importMitdb(mitdbDir, { windowS: opts.windowS ?? 10 }).rows, opts);
}

/**
 * One lead of a window, as a single-lead `Ecg`: the lead named `lead` (any spelling the lead
 * registry knows; MIT-BIH's MLII is lead II), else the record's first signal.
 */
export function singleLeadWindow(w: RhythmWindow, lead: string): Ecg {
  const ecg = loadCohortEcg(w);
  const wanted = canonicalLead(lead) ?? lead;
  const found = ecg.leads.findIndex((name) => (canonicalLead(name) ?? name) === wanted);
  const channel = found >= 0 ? found : 0;
  return {
    ...ecg,
    leads: [ecg.leads[channel] as string],
    signals: [ecg.signals[channel] as Float64Array],
    units: [ecg.units[channel] as string],
  };
}

/** How one method did over the episodes. */
export interface EpisodeResult {
  method: string;
  /** Mean episode accuracy (queries are balanced, so this is also the episode's balanced accuracy) and 95 % CI. */
  episode_accuracy: MeanCi;
  /** Balanced accuracy of all query predictions pooled over the episodes. */
  balanced_accuracy: number;
}

/** Nearest-prototype classification of every episode in the space of `vectors` (one per pool item). */
export function nearestPrototypeResult(
  method: string,
  vectors: readonly Float32Array[],
  episodes: readonly DisjointEpisode[],
  nClasses: number,
): EpisodeResult {
  const accuracies: number[] = [];
  const truth: number[] = [];
  const predicted: number[] = [];
  for (const e of episodes) {
    const p = nearestPrototype(
      e.support.map((i) => vectors[i] as Float32Array),
      e.supportLabels,
      e.queries.map((i) => vectors[i] as Float32Array),
      nClasses,
    );
    accuracies.push(p.filter((c, k) => c === e.queryLabels[k]).length / p.length);
    truth.push(...e.queryLabels);
    predicted.push(...p);
  }
  return {
    method,
    episode_accuracy: meanCi95(accuracies),
    balanced_accuracy: balancedAccuracy(confusionMatrix(truth, predicted, nClasses)),
  };
}
