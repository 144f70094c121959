import type { RhythmSchedule, VentricularEvent, VentricularKind } from './rhythm-events.js';
import { median } from '../util/median.js';

/**
 * What the generator put into one recording, measured on its own schedule: the values a
 * measurement pipeline should recover. Intervals in ms, rates in bpm; null when undefined
 * (no conducted P wave, fewer than two beats).
 */
export interface RhythmTruth {
  /** Heart rate from the median RR (as fewbeat's `measureEcg` reports it). */
  readonly hrBpm: number | null;
  /** Ventricular rate from the mean RR (beats per minute over the record; differs from hrBpm in grouped beating). */
  readonly ventricularRateBpm: number | null;
  /** Atrial rate from the mean PP of P/F waves (null for fibrillation or without atrial events). */
  readonly atrialRateBpm: number | null;
  /** Median PR of conducted beats (for WPW: to the delta-wave onset). */
  readonly prMs: number | null;
  /** Median QRS duration of the dominant beat type. */
  readonly qrsMs: number | null;
  /** Median QT of the dominant beat type. */
  readonly qtMs: number | null;
  /** Median Bazett QTc of the dominant beat type, QT / √RR_preceding. */
  readonly qtcMs: number | null;
  /** Fraction of ventricular beats of ventricular origin (PVC, VT, ventricular escape). */
  readonly ventricularFraction: number;
  /** Block ratios of AV-block and flutter cycles (e.g. "4:3", "2:1"). */
  readonly conductionRatios: readonly string[];
  /** Beats inside the record. */
  readonly beats: number;
}

/** Median, or null for an empty list. */
const medianOrNull = (xs: number[]): number | null => (xs.length ? median(xs) : null);

/** Truth of the part of `schedule` inside [0, duration). */
export function rhythmTruth(schedule: RhythmSchedule, duration: number): RhythmTruth {
  const inside = (t: number): boolean => t >= 0 && t < duration;
  const beats = schedule.ventricular.filter((v) => inside(v.onset));
  const rr: number[] = [];
  const qtc: number[] = [];
  const counts = new Map<VentricularKind, number>();
  for (const v of beats) counts.set(v.kind, (counts.get(v.kind) ?? 0) + 1);
  let dominant: VentricularKind = 'normal';
  for (const [kind, c] of counts) if (c > (counts.get(dominant) ?? 0)) dominant = kind;
  let previous: VentricularEvent | undefined;
  for (const v of schedule.ventricular) {
    if (previous && inside(v.onset)) {
      const interval = v.onset - previous.onset;
      if (inside(previous.onset)) rr.push(interval);
      if (v.kind === dominant) qtc.push(v.qt / Math.sqrt(interval));
    }
    previous = v;
  }
  const atrial = schedule.atrial.filter((a) => inside(a.onset) && a.kind !== 'fibrillation' && a.kind !== 'retrograde');
  const pp = atrial.slice(1).map((a, i) => a.onset - (atrial[i] as { onset: number }).onset);
  const mean = (xs: number[]): number | null => (xs.length ? xs.reduce((s, x) => s + x, 0) / xs.length : null);
  const meanRr = mean(rr);
  const meanPp = mean(pp);
  const ms = (x: number | null): number | null => (x === null ? null : x * 1000);
  const ofDominant = beats.filter((v) => v.kind === dominant);
  return {
    hrBpm: rr.length === 0 ? null : 60 / median(rr),
    ventricularRateBpm: meanRr === null ? null : 60 / meanRr,
    atrialRateBpm: meanPp === null ? null : 60 / meanPp,
    prMs: ms(medianOrNull(beats.flatMap((v) => (v.pr === null ? [] : [v.pr])))),
    qrsMs: ms(medianOrNull(ofDominant.map((v) => v.qrsDuration))),
    qtMs: ms(medianOrNull(ofDominant.map((v) => v.qt))),
    qtcMs: ms(medianOrNull(qtc)),
    ventricularFraction: beats.length ? beats.filter((v) => v.kind === 'ventricular').length / beats.length : 0,
    conductionRatios: schedule.conductionRatios,
    beats: beats.length,
  };
}
