import { median } from '../util/median.js';

/**
 * Heart rate in bpm from beat positions: 60 / median RR, so that a few missed or extra beats do
 * not move it. NaN with fewer than two beats.
 */
export function medianHeartRate(beats: ArrayLike<number>, fs: number): number {
  if (beats.length < 2) return Number.NaN;
  const rr: number[] = [];
  for (let i = 1; i < beats.length; i++) rr.push((beats[i]! - beats[i - 1]!) / fs);
  return 60 / median(rr);
}
