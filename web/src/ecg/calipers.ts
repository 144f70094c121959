import { type PaperScale, xToTime, yToMv } from './paper';

/** What a pair of calipers reads between two points on the paper. */
export interface CaliperReading {
  /** Horizontal distance as time (ms, >= 0). */
  ms: number;
  /** Rate for that interval taken as one cycle: 60000 / ms (beats per minute); null when ms is 0. */
  bpm: number | null;
  /** Vertical distance as amplitude, second point minus first (mV, positive when the second is higher). */
  mv: number;
}

/**
 * Reading of calipers placed at pixel points `a` and `b` on a panel drawn at `scale`, with the lead's own gain.
 *   ms = |xb - xa| / (speed * pxPerMm) * 1000,  bpm = 60000 / ms,  mV = (ya - yb) / (gain * pxPerMm)
 */
export function caliperReading(
  a: { x: number; y: number },
  b: { x: number; y: number },
  scale: PaperScale,
  gain = scale.gain,
): CaliperReading {
  const ms = Math.abs(xToTime(b.x, scale) - xToTime(a.x, scale)) * 1000;
  const mv = yToMv(b.y, scale, 0, gain) - yToMv(a.y, scale, 0, gain);
  return { ms, bpm: ms > 0 ? 60000 / ms : null, mv };
}
