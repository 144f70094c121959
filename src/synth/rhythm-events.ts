/** Kinds of atrial activity the scheduler places. */
export type AtrialKind = 'sinus' | 'ectopic' | 'retrograde' | 'flutter' | 'fibrillation';

/** One atrial depolarisation (a P, F or f wave), timed from its onset. */
export interface AtrialEvent {
  /** Onset, s from the start of the record. */
  readonly onset: number;
  readonly kind: AtrialKind;
  /** Cycle length, s (sets flutter and fibrillatory wave widths; the P width for P waves). */
  readonly cycle: number;
  /** Signed amplitude factor (fibrillatory waves alternate and vary); 1 for P and F waves. */
  readonly weight: number;
}

/** How a ventricular depolarisation spreads: normal conduction, pre-excited (WPW), or from a ventricular focus. */
export type VentricularKind = 'normal' | 'preexcited' | 'ventricular';

/** One QRS-T complex, timed from QRS onset. */
export interface VentricularEvent {
  /** QRS onset, s. */
  readonly onset: number;
  readonly kind: VentricularKind;
  /** QRS duration, s (for pre-excited beats including the delta wave). */
  readonly qrsDuration: number;
  /** QT interval, s (QRS onset to the tangent-method end of T). */
  readonly qt: number;
  /** PR interval of the P wave that conducted this beat, s; null when no P conducted it. */
  readonly pr: number | null;
}

/** The output of a rhythm mechanism: every wave event of one recording. */
export interface RhythmSchedule {
  readonly atrial: AtrialEvent[];
  readonly ventricular: VentricularEvent[];
  /** AV conduction ratios of block cycles in order ("4:3" = four P waves, three conducted); empty without block. */
  readonly conductionRatios: string[];
}
