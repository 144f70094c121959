import { butter } from './filters/butter.js';
import { sosfiltfilt } from './filters/sosfiltfilt.js';
import { pacingSpikes } from './pacing-spikes.js';
import { splineWavelet } from './spline-wavelet.js';

/** Wave boundaries on a set of aligned median beats (sample indices in the beat window), or null. */
export interface Delineation {
  pOnset: number | null;
  qrsOnset: number | null;
  qrsOffset: number | null;
  tEnd: number | null;
  /** Why a boundary is null, by boundary name. */
  reasons: Partial<Record<'pOnset' | 'qrs' | 'tEnd', string>>;
}

export interface DelineationOptions {
  /** Median RR interval in seconds (bounds the P and T search windows). */
  rrSeconds: number;
  /** QRS boundary: composite slope below this fraction of its QRS maximum… @default 0.035 */
  qrsSlopeFraction?: number;
  /** …for at least this long (so the slope pause at an R apex is not taken for the end). @default 0.008 */
  qrsQuietSeconds?: number;
  /** …then on outwards to the flattest point of the slope within this many seconds. @default 0.015 */
  qrsFlattestSeconds?: number;
  /** QRS onset: the earliest lead onset confirmed by this many leads (see `delineate`). @default 3 */
  qrsOnsetLeads?: number;
  /** T end: leads whose T wave is at least this fraction of the largest lead's T take part. @default 0.1 */
  minTLeadRatio?: number;
  /**
   * P onset and T end: spatial amplitude above its noise floor below this fraction of the wave's peak (1 %: ≈ 3σ from
   * the centre of a Gaussian wave). @default 0.01
   */
  waveAmplitudeFraction?: number;
  /** A P wave must reach this fraction of the QRS spatial amplitude to count as present. @default 0.04 */
  minPRatio?: number;
  /**
   * P onset: a flattening of the rising limb beyond which the spatial amplitude still falls by more than this
   * fraction of the P height is the notch of a bifid P wave, not its start (see `flatteningEdgePastNotches`).
   * @default 0.2
   */
  pNotchFraction?: number;
}

/**
 * Delineate P onset, QRS onset and offset, and T end on the median beats of all leads together
 * (a multi-lead threshold method in the spirit of Laguna et al., Comput Biomed Res 27:45, 1994, on
 * composite signals as in the CSE measurement studies). The beats are first low-passed at 60 Hz
 * (zero-phase), then:
 *
 * - composite slope S(t) (see `compositeSlope`); the QRS is where S is large (see `qrsEdges`) →
 *   QRS onset and offset;
 * - QRS onset per lead, as the CSE global onset is the earliest over the leads marked one by one
 *   (Willems et al., Methods Inf Med 29:263, 1990): the same rule on each lead's own slope, for
 *   the leads whose slope range is at least 30 % of the largest lead's; the global onset is the
 *   earlier of the composite onset and the `qrsOnsetLeads`-th earliest lead onset (the earliest
 *   that as many leads reach: one noisy lead does not move it; fewer leads: the latest of them);
 * - a pacemaker stimulus (see `pacingSpikes`) between 20 ms before that onset and the R peak is
 *   the QRS onset, as cardiologists mark paced beats (the low-passed spike would otherwise pull the
 *   onset 20-50 ms early);
 * - each lead is referred to its isoelectric level, the mean of the 12 ms before QRS onset (before
 *   the stimulus of a paced beat), and the
 *   spatial amplitude A(t) = √(Σ_l m_l(t)²) is formed, smoothed over 10 ms, with its own 20-ms
 *   noise floor;
 * - P: the largest interior peak of A in [QRS onset − min(0.3 s, 0.5·RR), QRS onset − 10 ms];
 *   absent when its height is below `minPRatio` of the QRS amplitude;
 * - T: the largest interior peak of A in [QRS offset + 40 ms, R + 0.75·RR];
 * - P onset (walking left) is where A falls to floor + `waveAmplitudeFraction`·(peak − floor), or
 *   where A stops falling below 50 % of the peak height (the wave has sunk into the noise, or meets
 *   the neighbouring beat's wave or a baseline step), or where the rising limb flattens, whichever
 *   comes first (see `flatteningEdge`: an isoelectric level taken in the PR segment is not the
 *   level before the P wave on real beats, and the level rule then walks on into the TP segment);
 *   a flattening at the notch of a bifid or biphasic P wave does not count, the walk goes on to the
 *   first lobe (see `flatteningEdgePastNotches`);
 * - T end: the latest of the leads' tangent T ends (see `latestTangentTEnd`), moved on to where A
 *   falls to the same level as for P (or stops falling below 30 % of the T peak) when that is at
 *   most 40 ms later; the level's end alone when no lead has a tangent; but no later than the
 *   wavelet T end that four leads agree on (see `agreedWaveletTEnd`), itself moved on to the level's
 *   end when that is at most 10 ms later.
 *
 * A boundary not found inside its window is null with a reason. For a wave made of Gaussians of
 * width σ these rules put the boundaries about 3σ from the wave centre (the 1 % level); on the LUDB
 * cardiologists' marks see `docs/signal-processing-delineation.md`.
 */
export function delineate(
  beats: readonly Float64Array[],
  rIndex: number,
  fs: number,
  opts: DelineationOptions,
): Delineation {
  const len = beats[0]?.length ?? 0;
  const reasons: Delineation['reasons'] = {};
  const fail = (why: string): Delineation => ({
    pOnset: null,
    qrsOnset: null,
    qrsOffset: null,
    tEnd: null,
    reasons: { pOnset: why, qrs: why, tEnd: why },
  });
  if (len < 3 || beats.length === 0) return fail('no median beat');
  const ms = (s: number): number => Math.max(1, Math.round(s * fs));

  const smooth = beats.map((m) => lowpassForDelineation(m, fs));
  const slope = compositeSlope(beats, fs);
  /**
   * The largest interior local maximum of a in [lo, hi] (a wave's
   * peak, not a neighbour's tail at the edge); −1 if none.
   */
  const peakIn = (a: Float64Array, lo: number, hi: number): number => {
    let best = -1;
    for (let t = Math.max(1, lo + 1); t < Math.min(len - 1, hi); t++) {
      if (a[t]! >= a[t - 1]! && a[t]! >= a[t + 1]! && (best < 0 || a[t]! > a[best]!)) best = t;
    }
    return best;
  };
  const argmax = (a: Float64Array, lo: number, hi: number): number => {
    let best = Math.max(0, lo);
    for (let t = Math.max(0, lo); t <= Math.min(len - 1, hi); t++) if (a[t]! > a[best]!) best = t;
    return best;
  };
  const qrsOpts = {
    fraction: opts.qrsSlopeFraction ?? 0.035,
    quiet: ms(opts.qrsQuietSeconds ?? 0.008),
    flattest: ms(opts.qrsFlattestSeconds ?? 0.015),
  };
  const composite = qrsEdges(slope, rIndex, fs, qrsOpts);
  if (composite === null) return fail('flat median beat');
  const { offset: qrsOffset } = composite;
  if (composite.onset === null || qrsOffset === null) {
    return {
      pOnset: null,
      qrsOnset: composite.onset,
      qrsOffset,
      tEnd: null,
      reasons: {
        qrs: 'QRS boundary not found inside the beat window',
        pOnset: 'needs the QRS onset',
        tEnd: 'needs the QRS offset',
      },
    };
  }
  const perLead = beats.map((m) => qrsEdges(compositeSlope([m], fs), rIndex, fs, qrsOpts));
  const widest = Math.max(...perLead.map((e) => e?.range ?? 0));
  const leadOnsets = perLead
    .filter((e) => e !== null && e.range >= 0.3 * widest)
    .map((e) => e!.onset)
    .filter((t): t is number => t !== null)
    .sort((a, b) => a - b);
  const confirmed = leadOnsets[Math.min(opts.qrsOnsetLeads ?? 3, leadOnsets.length) - 1];
  let qrsOnset = Math.min(composite.onset, confirmed ?? composite.onset);
  let isoEnd = qrsOnset;
  const stimulus = pacingSpikes(beats, fs)
    .filter((t) => t >= qrsOnset - ms(0.02) && t < rIndex)
    .pop();
  if (stimulus !== undefined) {
    isoEnd = Math.min(qrsOnset, stimulus - ms(0.008));
    qrsOnset = stimulus;
  }

  const iso = smooth.map((m) => {
    const lo = Math.max(0, isoEnd - ms(0.012));
    let s = 0;
    for (let t = lo; t < isoEnd; t++) s += m[t]!;
    return isoEnd > lo ? s / (isoEnd - lo) : m[isoEnd]!;
  });
  const rawAmp = new Float64Array(len);
  for (let t = 0; t < len; t++) {
    let s = 0;
    smooth.forEach((m, l) => {
      s += (m[t]! - iso[l]!) ** 2;
    });
    rawAmp[t] = Math.sqrt(s);
  }
  // 10-ms moving average, so that one noise dip does not end a wave early
  const amp = movingAverage(rawAmp, ms(0.01));
  const qrsAmp = amp[argmax(amp, qrsOnset, qrsOffset)]!;
  const k = opts.waveAmplitudeFraction ?? 0.01;
  const ampFloor = noiseFloor(amp, ms(0.02));
  /**
   * Walk from a wave's peak until the spatial amplitude falls to floor + k·(peak − floor), or until
   * it stops falling (a local minimum) below `stopFraction` of the peak height above the floor:
   * there the wave has sunk into the noise or runs into a neighbouring wave. Null when neither happens.
   */
  const waveEdge = (peak: number, stop: number, step: 1 | -1, stopFraction: number): number | null => {
    const height = amp[peak]! - ampFloor;
    const level = ampFloor + k * height;
    for (let t = peak + step; step > 0 ? t < stop : t > stop; t += step) {
      if (amp[t]! < level) return t;
      if (amp[t]! <= amp[t + step]! && amp[t]! - ampFloor < stopFraction * height) return t;
    }
    return null;
  };

  const rr = ms(opts.rrSeconds);

  let pOnset: number | null = null;
  const pLo = Math.max(1, qrsOnset - Math.min(ms(0.3), Math.round(0.5 * rr)));
  const pHi = qrsOnset - ms(0.01);
  if (pHi <= pLo) reasons.pOnset = 'no room for a P wave before the QRS';
  else {
    const pPeak = peakIn(amp, pLo, pHi);
    if (pPeak < 0 || amp[pPeak]! - ampFloor < (opts.minPRatio ?? 0.04) * qrsAmp)
      reasons.pOnset = 'no P wave found before the QRS';
    else {
      const levelOnset = waveEdge(pPeak, pLo, -1, 0.5);
      pOnset =
        levelOnset === null
          ? null
          : Math.max(levelOnset, flatteningEdgePastNotches(amp, pPeak, pLo, ampFloor, opts.pNotchFraction ?? 0.2, fs));
      if (pOnset === null) reasons.pOnset = 'P onset not found (P wave merges with the preceding beat)';
    }
  }

  let tEnd: number | null = null;
  const tLo = qrsOffset + ms(0.04);
  const tHi = Math.min(len - 2, rIndex + Math.round(0.75 * rr));
  if (tHi <= tLo) reasons.tEnd = 'no room for a T wave after the QRS';
  else {
    const tPeak = peakIn(amp, tLo, tHi);
    if (tPeak >= 0) {
      const leads = smooth.map((m, l) => m.map((v) => v - iso[l]!));
      const tangentEnd = latestTangentTEnd(leads, tPeak, tLo, tHi, fs, opts.minTLeadRatio ?? 0.1);
      const levelEnd = waveEdge(tPeak, tHi, 1, 0.3);
      // the tangent meets the baseline before the wave has quite returned to it (≈ 2σ after the centre of
      // a Gaussian T, against 3σ for the 1 % level): take the level's end when it is at most 40 ms later
      if (tangentEnd === null) tEnd = levelEnd;
      else if (levelEnd === null) tEnd = tangentEnd;
      else tEnd = Math.max(tangentEnd, Math.min(levelEnd, tangentEnd + ms(0.04)));
      // outlier guard: no later than the wavelet T end that four leads agree on (moved on to the level's end when
      // that is at most 10 ms later); one lead whose tangent runs late no longer sets the global T end alone
      const agreed = agreedWaveletTEnd(leads, tPeak, tLo, tHi, fs, opts.minTLeadRatio ?? 0.1);
      if (agreed !== null) {
        const guard = levelEnd === null ? agreed : Math.max(agreed, Math.min(levelEnd, agreed + ms(0.01)));
        tEnd = Math.min(tEnd ?? guard, guard);
      }
    }
    if (tEnd === null) reasons.tEnd = 'T end not found before the next beat';
  }
  return { pOnset, qrsOnset, qrsOffset, tEnd, reasons };
}

/**
 * Composite slope of the beats for the QRS boundaries: S(t) = Σ_l |y_l(t + k) − y_l(t − k)| / 2k with
 * y_l the beat low-passed at 45 Hz (zero-phase Butterworth order 2; at most 0.45·fs) and k = 2 ms
 * (at least one sample): a low-pass differentiator as in Laguna et al. 1994, so that noise in the PR
 * and ST segments stays below the QRS threshold. The first and last k samples repeat their neighbours.
 */
function compositeSlope(beats: readonly Float64Array[], fs: number): Float64Array {
  const len = beats[0]!.length;
  const k = Math.max(1, Math.round(0.002 * fs));
  const slope = new Float64Array(len);
  if (len <= 2 * k) return slope;
  const cutoffHz = Math.min(45, 0.45 * fs);
  for (const m of beats) {
    const y = fs > 2 * cutoffHz && len > 9 ? sosfiltfilt(butter({ order: 2, cutoffHz, band: 'lowpass', fs }), m) : m;
    for (let t = k; t < len - k; t++) slope[t]! += Math.abs(y[t + k]! - y[t - k]!) / (2 * k);
  }
  for (let t = 0; t < k; t++) {
    slope[t] = slope[k]!;
    slope[len - 1 - t] = slope[len - 1 - k]!;
  }
  return slope;
}

/**
 * Global T end by the tangent method on each lead (Lepeschkin and Surawicz, "The measurement of the
 * Q-T interval of the electrocardiogram", Circulation 6:378, 1952; compared with the area methods in
 * Vázquez-Seisdedos et al., Biomed Eng Online 10:77, 2011): on each lead y_l (referred to its isoelectric
 * level), the T peak is the largest |y_l| within ±60 ms of the spatial T peak; the tangent at the
 * steepest point of the descending limb (within 100 ms after the peak, central difference over ±8 ms)
 * meets the isoelectric line at the lead's T end, at most 60 ms after that point (a shallow limb
 * would push the crossing into the next wave). Leads whose T peak is under `minRatio` of the largest
 * take no part (their T end is noise); the global T end is the latest of the others, as the CSE
 * global offset is the latest over leads. Null when no lead has a descending limb.
 */
function latestTangentTEnd(
  leads: readonly Float64Array[],
  spatialPeak: number,
  lo: number,
  hi: number,
  fs: number,
  minRatio: number,
): number | null {
  const ms = (s: number): number => Math.max(1, Math.round(s * fs));
  const d = ms(0.008);
  const ends: Array<{ height: number; end: number }> = [];
  for (const y of leads) {
    const peak = leadTPeak(y, spatialPeak, lo, hi, fs);
    const sign = Math.sign(y[peak]!);
    const height = Math.abs(y[peak]!);
    let steepest = -1;
    let descent = 0;
    for (let t = peak + d; t + d <= Math.min(hi, peak + ms(0.1)); t++) {
      const g = (sign * (y[t - d]! - y[t + d]!)) / (2 * d);
      if (g > descent) {
        descent = g;
        steepest = t;
      }
      if (sign * y[t]! < 0.1 * height) break;
    }
    if (steepest < 0) continue;
    const cross = steepest + Math.min(Math.round((sign * y[steepest]!) / descent), ms(0.06));
    ends.push({ height, end: Math.min(y.length - 2, cross) });
  }
  const used = endsOfTallLeads(ends, minRatio);
  return used.length > 0 ? Math.max(...used) : null;
}

/** A lead's T peak: the sample of largest |y| within ±60 ms of the spatial T peak (and inside [lo, hi]). */
function leadTPeak(y: Float64Array, spatialPeak: number, lo: number, hi: number, fs: number): number {
  const reach = Math.max(1, Math.round(0.06 * fs));
  let peak = spatialPeak;
  for (let t = Math.max(lo, spatialPeak - reach); t <= Math.min(hi, spatialPeak + reach); t++)
    if (Math.abs(y[t]!) > Math.abs(y[peak]!)) peak = t;
  return peak;
}

/** The T ends of the leads whose T peak is at least `minRatio` of the tallest (a small T's end is noise). */
function endsOfTallLeads(ends: ReadonlyArray<{ height: number; end: number }>, minRatio: number): number[] {
  const tallest = Math.max(0, ...ends.map((e) => e.height));
  return ends.filter((e) => e.height >= minRatio * tallest && e.height > 0).map((e) => e.end);
}

/** ξ_Toff of Martínez et al. (2004): a lead's wavelet T end is where |W| falls below this share of its last slope. */
const T_END_WAVELET_FRACTION = 0.2;

/**
 * Global T end from the leads' wavelet T ends (Martínez et al., "A wavelet-based ECG delineator:
 * evaluation on standard databases", IEEE TBME 51:570, 2004), combined with an agreement guard.
 * On each lead y_l (referred to its isoelectric level) W is its quadratic-spline wavelet transform at
 * scale 2^4 for 250 Hz (2^{4 + log2(fs/250)} at other rates; see `splineWavelet`), proportional to the
 * slope of y_l smoothed over about 60 ms. The lead's T peak is the largest |y_l| within ±60 ms of the
 * spatial T peak; the T's last slope is the last local maximum of |W| within 150 ms after that peak
 * whose height is at least 25 % of the largest |W| there (Martínez et al. take the significant maxima
 * against 0.25 of the RMS of W; the largest is steadier on a median beat); the lead's T end is the
 * first point after it where |W| falls below ξ·|W(n_last)| (ξ = 0.2, their ξ_Toff) or reaches a
 * local minimum, at most 150 ms on. Leads whose T peak is under `minRatio` of the largest take no
 * part. The leads' ends e_1 ≥ e_2 ≥ … are combined by agreement (in the spirit of the multilead
 * rules of Laguna et al. 1994, where a boundary must be confirmed by other leads): the global end is
 * the latest e_i with e_i − e_{i+3} ≤ 20 ms, i.e. reached by three more leads within 20 ms (by all
 * the leads when fewer than four take part); the earliest end when no four leads agree. Null when no
 * lead has an end.
 *
 * The wavelet ends alone are late on LUDB (a small lead's last modulus maximum is often noise after
 * the T wave; the latest end: QT within 30 ms on 47 % of records 1-60); with the agreement rule they
 * are nearer the cardiologists' marks than the tangent ends (median |QT error| 12 against 17 ms) but
 * miss differently, so `delineate` uses them only to cut a late tangent end. For a Gaussian T of
 * width σ, |W| falls to 0.2 of its maximum (at ≈ σ) at ≈ 2.5σ, widened by the wavelet's smoothing.
 */
function agreedWaveletTEnd(
  leads: readonly Float64Array[],
  spatialPeak: number,
  lo: number,
  hi: number,
  fs: number,
  minRatio: number,
): number | null {
  const ms = (sec: number): number => Math.max(1, Math.round(sec * fs));
  const level = Math.max(1, Math.round(4 + Math.log2(fs / 250)));
  const ends: Array<{ height: number; end: number }> = [];
  for (const y of leads) {
    const w = splineWavelet(y, level)[level - 1]!;
    const peak = leadTPeak(y, spatialPeak, lo, hi, fs);
    const height = Math.abs(y[peak]!);
    const searchHi = Math.min(hi, peak + ms(0.15));
    let big = 0;
    for (let t = peak; t <= searchHi; t++) big = Math.max(big, Math.abs(w[t]!));
    if (!(big > 0)) continue;
    let last = -1;
    for (let t = peak + 1; t < searchHi; t++) {
      const a = Math.abs(w[t]!);
      if (a >= Math.abs(w[t - 1]!) && a > Math.abs(w[t + 1]!) && a >= 0.25 * big) last = t;
    }
    if (last < 0) continue;
    const threshold = T_END_WAVELET_FRACTION * Math.abs(w[last]!);
    for (let t = last + 1; t < Math.min(y.length - 1, last + ms(0.15)); t++) {
      const a = Math.abs(w[t]!);
      if (a < threshold || (a <= Math.abs(w[t + 1]!) && a <= Math.abs(w[t - 1]!))) {
        ends.push({ height, end: t });
        break;
      }
    }
  }
  const used = endsOfTallLeads(ends, minRatio).sort((a, b) => b - a);
  if (used.length === 0) return null;
  const agree = Math.min(4, used.length) - 1;
  for (let i = 0; i + agree < used.length; i++) if (used[i]! - used[i + agree]! <= ms(0.02)) return used[i]!;
  return used[used.length - 1]!;
}

/** Zero-phase 60 Hz low-pass (Butterworth order 2; at most 0.45·fs) so that noise does not hide the wave edges. */
function lowpassForDelineation(m: Float64Array, fs: number): Float64Array {
  if (fs <= 100 || m.length <= 9) return m;
  return sosfiltfilt(butter({ order: 2, cutoffHz: Math.min(60, 0.45 * fs), band: 'lowpass', fs }), m);
}

/** Noise floor of a non-negative composite: the smallest mean over any `width` consecutive samples. */
function noiseFloor(a: Float64Array, width: number): number {
  const w = Math.min(width, a.length);
  let acc = 0;
  for (let t = 0; t < w; t++) acc += a[t]!;
  let best = acc;
  for (let t = w; t < a.length; t++) {
    acc += a[t]! - a[t - w]!;
    if (acc < best) best = acc;
  }
  return best / w;
}

/** Centred moving average over `width` samples (shorter at the edges). */
function movingAverage(a: Float64Array, width: number): Float64Array {
  const half = Math.floor(width / 2);
  const out = new Float64Array(a.length);
  for (let t = 0; t < a.length; t++) {
    let s = 0;
    let count = 0;
    for (let j = Math.max(0, t - half); j <= Math.min(a.length - 1, t + half); j++) {
      s += a[j]!;
      count++;
    }
    out[t] = s / count;
  }
  return out;
}

/** Parameters of `qrsEdges` (samples where a duration). */
interface QrsEdgeRule {
  fraction: number;
  quiet: number;
  flattest: number;
}

/**
 * QRS onset and offset on a slope signal S (composite or one lead's): from the steepest point of S
 * in the 80 ms before (after) the R peak, walk outwards until S stays below
 * floor + `fraction`·(max S − floor) for `quiet` samples, then on outwards to the flattest point of
 * S within `flattest` samples (where the first or last deflection starts; not past the floor + 1 %
 * level), where the floor is the quietest 20 ms of S (the residual noise). `range` = max S − floor;
 * null when S is flat.
 */
function qrsEdges(
  slope: Float64Array,
  rIndex: number,
  fs: number,
  rule: QrsEdgeRule,
): { onset: number | null; offset: number | null; range: number } | null {
  const len = slope.length;
  const half = Math.max(1, Math.round(0.08 * fs));
  const argmax = (lo: number, hi: number): number => {
    let best = Math.max(0, lo);
    for (let t = Math.max(0, lo); t <= Math.min(len - 1, hi); t++) if (slope[t]! > slope[best]!) best = t;
    return best;
  };
  const before = argmax(rIndex - half, rIndex);
  const after = argmax(rIndex, rIndex + half);
  const smax = Math.max(slope[before]!, slope[after]!);
  const floor = noiseFloor(slope, Math.max(1, Math.round(0.02 * fs)));
  if (!(smax > floor)) return null;
  const thr = floor + rule.fraction * (smax - floor);
  const quietLevel = floor + 0.01 * (smax - floor);
  const walk = (from: number, step: 1 | -1): number | null => {
    let run = 0;
    for (let t = from; t > 0 && t < len - 1; t += step) {
      run = slope[t]! < thr ? run + 1 : 0;
      if (run < rule.quiet) continue;
      // below the threshold: go on outwards to the flattest point, where the deflection starts,
      // unless the slope is already down at the 1 % level
      const quietStart = t - step * (rule.quiet - 1);
      let edge = quietStart;
      for (let u = quietStart; Math.abs(u - quietStart) <= rule.flattest && u > 0 && u < len - 1; u += step) {
        if (slope[edge]! <= quietLevel) break;
        if (slope[u]! < slope[edge]!) edge = u;
      }
      return edge;
    }
    return null;
  };
  return { onset: walk(before, -1), offset: walk(after, 1), range: smax - floor };
}

/**
 * Where a wave's limb flattens: from the steepest point of the spatial amplitude A between its
 * peak and `stop` (direction `step`), walk on until the slope away from the peak,
 * g(t) = step·(A(t − h) − A(t + h))/2h with h = 4 ms, falls to 3·e⁻⁴ ≈ 5.5 % of the steepest. For a
 * Gaussian wave of width σ the slope at distance x from its centre is ∝ x·e^{−x²/2σ²}, at most
 * at x = σ; it falls to 3·e⁻⁴ of that maximum at x = 3σ, the boundary the level rule also aims at.
 * Unlike the level rule it does not depend on where the isoelectric line was taken. Returns the
 * peak itself when no slope leads away from it.
 */
function flatteningEdge(amp: Float64Array, peak: number, stop: number, step: 1 | -1, fs: number): number {
  const h = Math.max(1, Math.round(0.004 * fs));
  const inside = (t: number): boolean => t - h >= 0 && t + h < amp.length && (step > 0 ? t < stop : t > stop);
  // slope of the limb leading away from the peak (positive while A falls away from it)
  const g = (t: number): number => (step * (amp[t - h]! - amp[t + h]!)) / (2 * h);
  let steepest = peak;
  for (let t = peak; inside(t); t += step) if (g(t) > g(steepest)) steepest = t;
  if (!(g(steepest) > 0)) return peak;
  const limit = 3 * Math.exp(-4) * g(steepest);
  let edge = steepest;
  while (inside(edge + step) && g(edge) > limit) edge += step;
  return edge;
}

/**
 * The P onset by `flatteningEdge` (walking left from the P peak), carried past notches: where the
 * rising limb flattens but the spatial amplitude A falls again further left by more than
 * `notchFraction` of the P height (peak − floor) before the window start `stop`, the flat stretch is
 * the notch between the two lobes of a bifid P wave, or of a biphasic one in the spatial amplitude
 * (right and left atrial components apart; Morris et al., Circulation 29:242, 1964), and the P onset
 * is that of the first lobe (as the CSE global P onset is the earliest atrial deflection; Willems et
 * al. 1990): the flattening rule again from the notch, towards the lowest point of A before it.
 * At most three notches. A single Gaussian P has no notch (A falls monotonically from its peak), so
 * the rule leaves the synthetic 3σ onsets unchanged. On LUDB records 1-60, P onsets stopped at the
 * notch were 38-76 ms late (PR short by as much: records 19, 24, 31); the second lobes there are 27-42 %
 * of the P height, the flat stretches before genuine onsets (a TP level apart from the PR-segment
 * level) 2-14 %.
 */
function flatteningEdgePastNotches(
  amp: Float64Array,
  peak: number,
  stop: number,
  floor: number,
  notchFraction: number,
  fs: number,
): number {
  const height = amp[peak]! - floor;
  let edge = flatteningEdge(amp, peak, stop, -1, fs);
  for (let notch = 0; notch < 3; notch++) {
    let low = edge;
    for (let t = edge - 1; t > stop; t--) if (amp[t]! < amp[low]!) low = t;
    if (!(amp[edge]! - amp[low]! > notchFraction * height)) break;
    const next = flatteningEdge(amp, edge, low, -1, fs);
    if (next >= edge) break;
    edge = next;
  }
  return edge;
}
