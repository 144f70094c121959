import { importMitdb } from '../../io/adapters/mitdb.js';
import type { Ecg } from '../../io/ecg.js';
import { readHeader } from '../../io/wfdb/header.js';
import { readEcg } from '../../io/wfdb/record.js';
import { canonicalLead } from '../../signal/lead-registry.js';
import { confusionMatrix } from '../metrics/confusion-matrix.js';
import { balancedAccuracy } from '../metrics/balanced-accuracy.js';
import { type MeanCi, meanCi95 } from '../metrics/mean-ci.js';
import type { DisjointEpisode } from './patient-disjoint-episodes.js';
import { nearestPrototype } from './rr-anchor.js';

/** The classes of the task, in index order. */
export const AF_VS_SINUS_CLASSES = ['nsr', 'afib'] as const;

/** One 10-s window of a real record, labelled by the rhythm annotated over it. */
export interface RhythmWindow {
  recordPath: string;
  patientId: string;
  /** Index into `AF_VS_SINUS_CLASSES`. */
  label: number;
  startS: number;
  endS: number;
  ageYears: number | null;
  sex: 'M' | 'F' | null;
}

/**
 * Atrial fibrillation (`(AFIB`) and normal sinus rhythm (`(N`) windows of annotated MIT-BIH-style
 * records, placed inside the rhythm episodes as `fewbeat import mitdb` places them (noisy windows
 * dropped). At most `maxPerPatient` windows per patient and class, evenly spaced over the patient's
 * windows in time order, so that a few long records do not dominate the pool.
 */
export function afVsSinusWindows(
  mitdbDir: string,
  opts: { windowS?: number; maxPerPatient?: number } = {},
): RhythmWindow[] {
  const rows = importMitdb(mitdbDir, { windowS: opts.windowS ?? 10 }).rows;
  const groups = new Map<string, RhythmWindow[]>();
  for (const r of rows) {
    const label = AF_VS_SINUS_CLASSES.indexOf(r.labels[0] as (typeof AF_VS_SINUS_CLASSES)[number]);
    if (label < 0 || r.labels.length !== 1 || !r.window) continue;
    const key = `${r.patientId}\u0000${label}`;
    const list = groups.get(key) ?? [];
    list.push({
      recordPath: r.recordPath,
      patientId: r.patientId,
      label,
      startS: r.window.startS,
      endS: r.window.endS,
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
 * One lead of a window, as a single-lead `Ecg`: the lead named `lead` (any spelling the lead
 * registry knows; MIT-BIH's MLII is lead II), else the record's first signal.
 */
export function singleLeadWindow(w: RhythmWindow, lead: string): Ecg {
  const header = readHeader(w.recordPath);
  const wanted = canonicalLead(lead) ?? lead;
  const found = header.signals.findIndex((s) => (canonicalLead(s.description) ?? s.description) === wanted);
  const channel = found >= 0 ? found : 0;
  return readEcg(w.recordPath, {
    from: Math.round(w.startS * header.fs),
    to: Math.round(w.endS * header.fs),
    channels: [channel],
  });
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
