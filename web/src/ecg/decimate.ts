/**
 * Min/max decimation for drawing a long trace: one [min, max] pair per pixel column, so a 10-minute record
 * at 500 Hz draws as fast as a 10-second one, and no peak narrower than a column disappears (a plain stride
 * would drop a QRS that falls between two picked samples).
 *
 * Column c covers samples [floor(s0 + c*k), floor(s0 + (c+1)*k)) with k = (s1 - s0) / columns;
 * columns outside the signal come back as NaN.
 */
export function minMaxColumns(
  signal: ArrayLike<number>,
  startSample: number,
  endSample: number,
  columns: number,
): { min: Float64Array; max: Float64Array } {
  const n = Math.max(0, Math.floor(columns));
  const min = new Float64Array(n).fill(NaN);
  const max = new Float64Array(n).fill(NaN);
  const span = endSample - startSample;
  if (n === 0 || !(span > 0)) return { min, max };
  const perColumn = span / n;
  for (let c = 0; c < n; c++) {
    const from = Math.max(0, Math.floor(startSample + c * perColumn));
    const to = Math.min(signal.length, Math.max(from + 1, Math.floor(startSample + (c + 1) * perColumn)));
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = from; i < to; i++) {
      const v = signal[i]!;
      if (Number.isNaN(v)) continue;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    if (lo <= hi) {
      min[c] = lo;
      max[c] = hi;
    }
  }
  return { min, max };
}
