import { FewbeatError } from '../errors.js';
import type { Ecg } from '../io/ecg.js';
import { butter } from './filters/butter.js';
import { sosfiltfilt } from './filters/sosfiltfilt.js';
import { median } from '../util/median.js';

/** Quality problems of one lead. */
export type QualityFlag = 'flat_line' | 'saturation' | 'lead_off' | 'high_frequency_noise' | 'baseline_wander';

export interface LeadQuality {
  lead: string;
  flags: QualityFlag[];
  /** 0 (unusable) to 1 (clean). */
  score: number;
  /** The measures behind the flags. */
  metrics: {
    /** Fraction of 1-s windows with peak-to-peak below 20 µV. */
    flat_fraction: number;
    /** Fraction of samples in runs of ≥ 3 equal samples at the lead's minimum or maximum. */
    clipped_fraction: number;
    /** Fraction of invalid (NaN) samples. */
    invalid_fraction: number;
    /** RMS above 40 Hz divided by the typical QRS amplitude (median 1-s peak-to-peak, 0.5–40 Hz). */
    hf_noise_ratio: number;
    /** Median 10-s peak-to-peak below 0.5 Hz divided by the typical QRS amplitude. */
    wander_ratio: number;
    /** Typical QRS amplitude in mV. */
    qrs_amplitude_mv: number;
  };
}

export interface QualityReport {
  leads: LeadQuality[];
  /** Mean of the lead scores, 0–1. */
  score: number;
  /** False when no lead is good enough to measure from (best lead score < 0.5). */
  usable: boolean;
  /** One-line summary: what is wrong, or "good". */
  summary: string;
}

export interface QualityOptions {
  /** hf_noise_ratio above which a lead is noisy. @default 0.15 */
  maxHfNoiseRatio?: number;
  /** wander_ratio above which a lead has heavy baseline wander. @default 1 */
  maxWanderRatio?: number;
}

const toMillivolts = (unit: string | undefined): number =>
  unit && /^(u|µ|μ)v$/i.test(unit) ? 1e-3 : unit && /^v$/i.test(unit) ? 1e3 : 1;

/**
 * Per-lead signal quality: flat line (a second or more of < 20 µV peak-to-peak), saturation or
 * clipping (≥ 1 % of samples stuck at the lead's extreme value), lead off (≥ 80 % of the record
 * flat or invalid), high-frequency noise (RMS above 40 Hz over the QRS amplitude, cf. the basSQI
 * and pSQI of Clifford et al., Physiol Meas 33:1419, 2012) and heavy baseline wander (content below
 * 0.5 Hz larger than the QRS). Each flag lowers the lead score (lead off and flat line to 0,
 * saturation by 0.5, noise and wander by 0.3); the record is usable when its best lead scores ≥ 0.5.
 * Amplitudes are in mV (µV and V leads are converted by their unit).
 */
export function assessQuality(ecg: Ecg, opts: QualityOptions = {}): QualityReport {
  if (!Number.isFinite(ecg.fs) || ecg.fs <= 0)
    throw new FewbeatError(`sampling rate must be a positive number of Hz, got ${ecg.fs}`, { file: ecg.source });
  if (ecg.signals.length === 0) throw new FewbeatError('the record has no leads', { file: ecg.source });
  const fs = ecg.fs;
  const leads = ecg.signals.map((raw, i) =>
    leadQuality(raw, fs, ecg.leads[i] ?? String(i), toMillivolts(ecg.units[i]), opts),
  );
  const score = leads.reduce((a, l) => a + l.score, 0) / leads.length;
  const best = Math.max(...leads.map((l) => l.score));
  const problems = leads.filter((l) => l.flags.length > 0).map((l) => `${l.lead}: ${l.flags.join(', ')}`);
  const usable = best >= 0.5;
  const summary =
    `${usable ? '' : 'unusable: no lead is good enough to measure; '}` +
    `${problems.length ? problems.join('; ') : 'good'}`;
  return { leads, score: Math.round(score * 100) / 100, usable, summary };
}

function leadQuality(raw: Float64Array, fs: number, lead: string, scale: number, opts: QualityOptions): LeadQuality {
  const n = raw.length;
  let invalid = 0;
  const x = new Float64Array(n);
  let last = 0;
  for (let i = 0; i < n; i++) {
    const v = raw[i]!;
    if (Number.isFinite(v)) last = v * scale;
    else invalid++;
    x[i] = last;
  }
  const win = Math.max(1, Math.round(fs));
  const windows = Math.max(1, Math.floor(n / win));
  let flatWindows = 0;
  for (let w = 0; w < windows; w++) {
    let mn = Infinity,
      mx = -Infinity;
    for (let i = w * win; i < Math.min(n, (w + 1) * win); i++) {
      if (x[i]! < mn) mn = x[i]!;
      if (x[i]! > mx) mx = x[i]!;
    }
    if (mx - mn < 0.02) flatWindows++;
  }
  let mn = Infinity,
    mx = -Infinity;
  for (const v of x) {
    if (v < mn) mn = v;
    if (v > mx) mx = v;
  }
  let clipped = 0;
  for (let i = 0; i < n;) {
    let j = i;
    while (j + 1 < n && x[j + 1] === x[i]) j++;
    if (j - i + 1 >= 3 && (x[i] === mn || x[i] === mx) && mx > mn) clipped += j - i + 1;
    i = j + 1;
  }
  const usableLength = n > 30 && fs > 2;
  const band = usableLength
    ? sosfiltfilt(butter({ order: 2, cutoffHz: [0.5, Math.min(40, 0.45 * fs)], band: 'bandpass', fs }), x)
    : x;
  const qrsAmp = median(
    Array.from({ length: windows }, (_, w) => {
      let a = Infinity,
        b = -Infinity;
      for (let i = w * win; i < Math.min(n, (w + 1) * win); i++) {
        if (band[i]! < a) a = band[i]!;
        if (band[i]! > b) b = band[i]!;
      }
      return b - a;
    }),
  );
  let hfRms = 0;
  if (usableLength && fs > 100) {
    const low = sosfiltfilt(butter({ order: 2, cutoffHz: 40, band: 'lowpass', fs }), x);
    for (let i = 0; i < n; i++) hfRms += (x[i]! - low[i]!) ** 2;
    hfRms = Math.sqrt(hfRms / n);
  }
  let wanderPtp = 0;
  if (usableLength) {
    const slow = sosfiltfilt(butter({ order: 2, cutoffHz: Math.min(0.5, 0.2 * fs), band: 'lowpass', fs }), x);
    const w10 = Math.max(1, 10 * win);
    const ptps: number[] = [];
    for (let s = 0; s < n; s += w10) {
      let a = Infinity,
        b = -Infinity;
      for (let i = s; i < Math.min(n, s + w10); i++) {
        if (slow[i]! < a) a = slow[i]!;
        if (slow[i]! > b) b = slow[i]!;
      }
      ptps.push(b - a);
    }
    wanderPtp = median(ptps);
  }
  const metrics = {
    flat_fraction: flatWindows / windows,
    clipped_fraction: clipped / n,
    invalid_fraction: invalid / n,
    hf_noise_ratio: qrsAmp > 0 ? hfRms / qrsAmp : Number.POSITIVE_INFINITY,
    wander_ratio: qrsAmp > 0 ? wanderPtp / qrsAmp : Number.POSITIVE_INFINITY,
    qrs_amplitude_mv: qrsAmp,
  };
  const flags: QualityFlag[] = [];
  let score = 1;
  if (metrics.flat_fraction + metrics.invalid_fraction >= 0.8) {
    flags.push('lead_off');
    score = 0;
  } else if (flatWindows > 0) {
    flags.push('flat_line');
    score -= Math.min(1, 2 * metrics.flat_fraction + 0.2);
  }
  if (metrics.clipped_fraction >= 0.01) {
    flags.push('saturation');
    score -= 0.5;
  }
  if (!flags.includes('lead_off')) {
    if (metrics.hf_noise_ratio > (opts.maxHfNoiseRatio ?? 0.15)) {
      flags.push('high_frequency_noise');
      score -= 0.3;
    }
    if (metrics.wander_ratio > (opts.maxWanderRatio ?? 1)) {
      flags.push('baseline_wander');
      score -= 0.3;
    }
  }
  return { lead, flags, score: Math.max(0, Math.round(score * 100) / 100), metrics };
}
