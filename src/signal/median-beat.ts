/** A median beat: the sample-wise median of aligned beats of one lead. */
export interface MedianBeat {
  /** Samples from R − pre to R + post. */
  beat: Float64Array;
  /** Index of the R peak inside `beat` (= pre). */
  rIndex: number;
  /** Number of beats that went into the median. */
  count: number;
}

export interface MedianBeatOptions {
  /** Seconds before the R peak. */
  preSeconds: number;
  /** Seconds after the R peak. */
  postSeconds: number;
  /** Indices into `rPeaks` of the beats to use (e.g. dominant, non-premature beats); default all that fit. */
  use?: readonly number[];
}

/**
 * Sample-wise median of the windows [R − pre, R + post] around the given R peaks (beats whose
 * window leaves the signal are skipped). The median suppresses noise and the occasional ectopic
 * beat without smearing the wave edges the way a mean does.
 */
export function medianBeat(
  x: Float64Array,
  rPeaks: ArrayLike<number>,
  fs: number,
  opts: MedianBeatOptions,
): MedianBeat {
  const pre = Math.round(opts.preSeconds * fs);
  const post = Math.round(opts.postSeconds * fs);
  const use = opts.use ?? Array.from({ length: rPeaks.length }, (_, i) => i);
  const starts = use.map((i) => rPeaks[i]! - pre).filter((s) => s >= 0 && s + pre + post < x.length);
  const len = pre + post + 1;
  const beat = new Float64Array(len);
  if (starts.length === 0) return { beat, rIndex: pre, count: 0 };
  const column = new Float64Array(starts.length);
  for (let k = 0; k < len; k++) {
    for (let b = 0; b < starts.length; b++) column[b] = x[starts[b]! + k]!;
    column.sort();
    const m = column.length >> 1;
    beat[k] = column.length % 2 ? column[m]! : (column[m - 1]! + column[m]!) / 2;
  }
  return { beat, rIndex: pre, count: starts.length };
}
