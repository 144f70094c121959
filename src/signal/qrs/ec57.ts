/** Beat-by-beat comparison of detections with reference beats (ANSI/AAMI EC57). */
export interface BeatMatch {
  /** Reference beats with a detection within the window. */
  tp: number;
  /** Reference beats without one. */
  fn: number;
  /** Detections without a reference beat. */
  fp: number;
}

/**
 * Match detections to reference beats one-to-one within ±`windowSeconds` (EC57: 150 ms), greedily
 * in time order, each reference taking the nearest unmatched detection. Detections inside
 * `excluded` sample ranges (EC57 excludes ventricular flutter/fibrillation episodes, where no beats
 * are annotated) are neither true nor false positives. Both inputs must be sorted.
 */
export function matchBeats(
  reference: ArrayLike<number>,
  detections: ArrayLike<number>,
  fs: number,
  opts: { windowSeconds?: number; excluded?: ReadonlyArray<readonly [number, number]> } = {},
): BeatMatch {
  const w = (opts.windowSeconds ?? 0.15) * fs;
  const excluded = opts.excluded ?? [];
  const isExcluded = (s: number): boolean => excluded.some(([a, b]) => s >= a && s <= b);
  const used = new Uint8Array(detections.length);
  let tp = 0;
  let j = 0;
  for (let r = 0; r < reference.length; r++) {
    const ref = reference[r]!;
    while (j < detections.length && detections[j]! < ref - w) j++;
    let best = -1;
    for (let k = j; k < detections.length && detections[k]! <= ref + w; k++) {
      if (!used[k] && (best < 0 || Math.abs(detections[k]! - ref) < Math.abs(detections[best]! - ref))) best = k;
    }
    if (best >= 0) {
      used[best] = 1;
      tp++;
    }
  }
  let fp = 0;
  for (let k = 0; k < detections.length; k++) if (!used[k] && !isExcluded(detections[k]!)) fp++;
  return { tp, fn: reference.length - tp, fp };
}

/** Annotation symbols EC57 counts as beats (MIT-BIH: N L R e j A a J S V E F / f Q). */
export const BEAT_SYMBOLS: ReadonlySet<string> = new Set([
  'N',
  'L',
  'R',
  'e',
  'j',
  'A',
  'a',
  'J',
  'S',
  'V',
  'E',
  'F',
  '/',
  'f',
  'Q',
]);

/** Sensitivity TP/(TP+FN) and positive predictivity TP/(TP+FP), in percent. */
export function sePlusP(m: BeatMatch): { se: number; ppv: number } {
  return { se: (100 * m.tp) / (m.tp + m.fn), ppv: (100 * m.tp) / (m.tp + m.fp) };
}

/**
 * The EC57 reference of one annotated record: sample numbers of beat annotations, and the
 * ventricular flutter/fibrillation episodes (from `[` to `]`, or to the end of the record when not
 * closed) in which detections are not scored.
 */
export function beatReference(
  annotations: ReadonlyArray<{ sample: number; symbol: string }>,
  recordLength: number,
): { beats: number[]; excluded: Array<[number, number]> } {
  const beats: number[] = [];
  const excluded: Array<[number, number]> = [];
  let flutterStart = -1;
  for (const a of annotations) {
    if (BEAT_SYMBOLS.has(a.symbol)) beats.push(a.sample);
    else if (a.symbol === '[') flutterStart = a.sample;
    else if (a.symbol === ']' && flutterStart >= 0) {
      excluded.push([flutterStart, a.sample]);
      flutterStart = -1;
    }
  }
  if (flutterStart >= 0) excluded.push([flutterStart, recordLength]);
  beats.sort((p, q) => p - q);
  return { beats, excluded };
}
