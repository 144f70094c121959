/**
 * ECG paper geometry: millimetres on the paper <-> CSS pixels on the screen, time <-> x, millivolts <-> y.
 *
 * Standard 12-lead ECG paper (AHA/ACCF/HRS recommendations for the standardization and interpretation of the
 * electrocardiogram, Kligfield et al., Circulation 2007;115:1306-1324): 1 mm minor squares, 5 mm major squares,
 * paper speed 25 mm/s and gain 10 mm/mV by default; 12.5 or 50 mm/s and 5 or 20 mm/mV as alternatives.
 *
 * Conventions: x grows to the right with time, y grows downwards (screen), so a positive voltage goes up:
 *   x_px = x0_px + (t - t0) * speed * pxPerMm
 *   y_px = baseline_px - mV * gain * pxPerMm
 */

/** Paper speeds offered (mm/s). */
export const PAPER_SPEEDS = [12.5, 25, 50] as const;
/** Gains offered (mm/mV). */
export const GAINS = [5, 10, 20] as const;
export type PaperSpeed = (typeof PAPER_SPEEDS)[number];
export type Gain = (typeof GAINS)[number];

export const DEFAULT_SPEED: PaperSpeed = 25;
export const DEFAULT_GAIN: Gain = 10;

/** CSS defines 1in = 96px = 25.4mm, so one CSS millimetre is 96 / 25.4 CSS pixels. */
export const CSS_PX_PER_MM = 96 / 25.4;

/** How a stretch of paper maps to pixels: `pxPerMm` already includes any zoom factor. */
export interface PaperScale {
  /** Paper speed in mm/s. */
  speed: number;
  /** Gain in mm/mV. */
  gain: number;
  /** CSS pixels per paper millimetre (CSS_PX_PER_MM times the zoom). */
  pxPerMm: number;
}

export function paperScale(speed: number = DEFAULT_SPEED, gain: number = DEFAULT_GAIN, zoom = 1): PaperScale {
  if (!(speed > 0) || !(gain > 0) || !(zoom > 0)) throw new RangeError('speed, gain and zoom must be positive');
  return { speed, gain, pxPerMm: CSS_PX_PER_MM * zoom };
}

/** Millimetres of paper for a duration in seconds. */
export function secondsToMm(seconds: number, speed: number): number {
  return seconds * speed;
}

/** Millimetres of paper for an amplitude in millivolts. */
export function millivoltsToMm(mv: number, gain: number): number {
  return mv * gain;
}

/** x in px of time `t` (s), given the x of time `t0`. */
export function timeToX(t: number, scale: PaperScale, t0 = 0, x0 = 0): number {
  return x0 + (t - t0) * scale.speed * scale.pxPerMm;
}

/** Inverse of `timeToX`. */
export function xToTime(x: number, scale: PaperScale, t0 = 0, x0 = 0): number {
  return t0 + (x - x0) / (scale.speed * scale.pxPerMm);
}

/** y in px of amplitude `mv` drawn on a baseline at `baseline` px; `gain` overrides the scale's (per-lead gain). */
export function mvToY(mv: number, scale: PaperScale, baseline = 0, gain = scale.gain): number {
  return baseline - mv * gain * scale.pxPerMm;
}

/** Inverse of `mvToY`. */
export function yToMv(y: number, scale: PaperScale, baseline = 0, gain = scale.gain): number {
  return (baseline - y) / (gain * scale.pxPerMm);
}

/**
 * Factor that turns a sample in `unit` into millivolts. Records store physical units per lead (WFDB `units`,
 * EDF physical dimension); a lead in microvolts is drawn with the same paper gain as one in millivolts.
 * Returns null for a unit that is not a voltage.
 */
export function toMillivoltsFactor(unit: string): number | null {
  const u = unit.trim().replace('µ', 'u').replace('μ', 'u');
  if (u === '' || u.toLowerCase() === 'mv') return 1;
  if (u === 'uV' || u.toLowerCase() === 'uv') return 1e-3;
  if (u === 'V') return 1e3;
  if (u === 'nV') return 1e-6;
  return null;
}

/** Grid lines of one axis: positions in mm from 0 to `lengthMm`, each flagged major (every 5th) or minor. */
export function gridLines(lengthMm: number): { mm: number; major: boolean }[] {
  const lines: { mm: number; major: boolean }[] = [];
  for (let i = 0; i <= Math.floor(lengthMm + 1e-9); i++) lines.push({ mm: i, major: i % 5 === 0 });
  return lines;
}
