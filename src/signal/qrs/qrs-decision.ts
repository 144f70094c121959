import type { QrsFeature } from './qrs-feature.js';
import { median } from '../../util/median.js';

export interface QrsDecisionOptions {
  /**
   * Detection threshold between the running noise level and QRS level:
   * DT = noise + threshold·(qrs − noise), levels being medians of the last 8 peaks of each kind
   * (Hamilton & Tompkins 1986). @default 0.3125
   */
  threshold?: number;
  /** Search back for a missed beat after this many median RR intervals without one. @default 1.5 */
  searchbackRr?: number;
  /**
   * A searched-back beat must have a maximal slope of at least this fraction of the median slope of
   * the last 8 QRS complexes, so that P and T waves in long pauses are not taken for beats. @default 0.5
   */
  searchbackMinSlope?: number;
  /** Shortest possible RR interval in seconds (300 bpm pediatric SVT = 0.2 s). @default 0.2 */
  minRrSeconds?: number;
}

const HISTORY = 8;

/**
 * Adaptive-threshold QRS decision on an integrated QRS feature (Hamilton & Tompkins 1986 rules,
 * with a rate-adaptive refractory period instead of their fixed 200 ms):
 *
 * 1. Candidates are local maxima of the integrated feature that are the largest within
 *    ±minRr/2 (so two beats 200 ms apart at 300 bpm both survive).
 * 2. QRS and noise levels are the medians of the last 8 QRS and 8 noise peak heights, initialised
 *    from the 1-s maxima of the first 8 s; a candidate above DT is a QRS.
 * 3. Refractory period: clamp(0.4·median RR, 0.1 s, 0.2 s) after a QRS (0.1 s until two RR
 *    intervals are known), candidates are ignored
 *    (a fixed 200 ms would drop every second beat of a 300 bpm SVT).
 * 4. T-wave rule (Pan & Tompkins 1985): a candidate within min(0.36 s, 0.6·median RR) of the last
 *    QRS whose maximal slope is below half that QRS's slope is a T wave (counted as noise).
 * 5. Search back: with no QRS for `searchbackRr`·median RR, the largest noise candidate since the
 *    last QRS that exceeds DT/2, lies beyond the refractory period and is steep enough
 *    (`searchbackMinSlope`) becomes a QRS.
 * 6. After 4 s without a QRS the QRS level is halved, so a sudden amplitude drop cannot silence
 *    the detector.
 *
 * Returns the sample indices of the integrated-feature peaks of the QRS complexes.
 */
export function decideQrs(
  feature: Pick<QrsFeature, 'slope' | 'integrated'>,
  fs: number,
  opts: QrsDecisionOptions = {},
): Int32Array {
  const f = feature.integrated;
  const n = f.length;
  const th = opts.threshold ?? 0.3125;
  const searchbackRr = opts.searchbackRr ?? 1.5;
  const searchbackSlope = opts.searchbackMinSlope ?? 0.5;
  const minRr = Math.max(2, Math.round((opts.minRrSeconds ?? 0.2) * fs));
  const candidates = localMaxima(f, Math.floor(minRr / 2));
  const slopeAt = (i: number): number => {
    const w = Math.round(0.06 * fs);
    let m = 0;
    for (let j = Math.max(0, i - w); j <= Math.min(n - 1, i + w); j++) if (feature.slope[j]! > m) m = feature.slope[j]!;
    return m;
  };

  const initSeconds = Math.max(1, Math.min(8, Math.floor(n / fs)));
  const qrsLevels: number[] = [];
  for (let s = 0; s < initSeconds; s++) {
    let m = 0;
    for (let i = Math.floor(s * fs); i < Math.min(n, Math.floor((s + 1) * fs)); i++) if (f[i]! > m) m = f[i]!;
    qrsLevels.push(m);
  }
  const noiseLevels: number[] = [0];
  const rrs: number[] = [];
  const rrMedian = (): number => (rrs.length ? med(rrs) : fs);
  const slopes: number[] = [];
  // Medians of the histories, recomputed only when a history changes.
  const medians = new Map<number[], number>();
  const med = (buf: number[]): number => {
    let m = medians.get(buf);
    if (m === undefined) {
      m = median(buf);
      medians.set(buf, m);
    }
    return m;
  };
  const push = (buf: number[], v: number): void => {
    buf.push(v);
    if (buf.length > HISTORY) buf.shift();
    medians.delete(buf);
  };
  const threshold = (): number => {
    const noise = med(noiseLevels);
    return noise + th * (med(qrsLevels) - noise);
  };

  const beats: number[] = [];
  let lastQrs = -Infinity;
  let lastSlope = 0;
  let lastDecay = -Infinity;
  let pendingNoise: number[] = [];
  const accept = (i: number): void => {
    if (lastQrs > -Infinity) push(rrs, i - lastQrs);
    beats.push(i);
    push(qrsLevels, f[i]!);
    lastQrs = i;
    lastSlope = slopeAt(i);
    push(slopes, lastSlope);
    pendingNoise = [];
  };
  // Until two RR intervals are known the rate is unknown: allow the shortest refractory period.
  const refractory = (): number => (rrs.length < 2 ? 0.1 * fs : Math.min(0.2 * fs, Math.max(0.1 * fs, 0.4 * med(rrs))));

  for (const c of candidates) {
    // 5. search back (possibly several times) before deciding on c
    for (;;) {
      if (lastQrs === -Infinity) break;
      const rr = rrMedian();
      if (c - lastQrs <= searchbackRr * rr) break;
      const dt2 = threshold() / 2;
      let best = -1;
      const minSlope = searchbackSlope * med(slopes);
      for (const p of pendingNoise) {
        if (p - lastQrs > refractory() && f[p]! > dt2 && slopeAt(p) >= minSlope && (best < 0 || f[p]! > f[best]!))
          best = p;
      }
      if (best < 0) break;
      accept(best);
      pendingNoise = pendingNoise.filter((p) => p > best);
    }
    // 6. amplitude drop: decay the QRS level
    if (lastQrs > -Infinity && c - Math.max(lastQrs, lastDecay) > 4 * fs) {
      for (let k = 0; k < qrsLevels.length; k++) qrsLevels[k]! *= 0.5;
      medians.delete(qrsLevels);
      lastDecay = c;
    }
    const since = c - lastQrs;
    if (since < refractory()) continue;
    const height = f[c]!;
    if (height > threshold()) {
      const tWaveWindow = Math.min(0.36 * fs, 0.6 * rrMedian());
      if (since < tWaveWindow && slopeAt(c) < 0.5 * lastSlope) {
        push(noiseLevels, height);
        pendingNoise.push(c);
        continue;
      }
      accept(c);
    } else {
      push(noiseLevels, height);
      pendingNoise.push(c);
    }
  }
  return Int32Array.from(beats);
}

/** Indices of local maxima of f that are the largest sample within ±halfWidth (first one on ties). */
function localMaxima(f: Float64Array, halfWidth: number): number[] {
  const out: number[] = [];
  const n = f.length;
  for (let i = 1; i < n - 1; i++) {
    const v = f[i]!;
    if (!(v > f[i - 1]! && v >= f[i + 1]!)) continue;
    let isMax = true;
    for (let j = Math.max(0, i - halfWidth); j <= Math.min(n - 1, i + halfWidth); j++) {
      if (f[j]! > v || (f[j]! === v && j < i)) {
        isMax = false;
        break;
      }
    }
    if (isMax) out.push(i);
  }
  return out;
}
