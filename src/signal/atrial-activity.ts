import { isFewbeatError } from '../errors.js';
import type { Ecg } from '../io/ecg.js';
import { delineate } from './delineate.js';
import { fillInvalidSamples } from './fill-invalid-samples.js';
import { canonicalLead } from './lead-registry.js';
import { medianBeat } from './median-beat.js';
import { detectQrsMultiLead } from './qrs/detect-qrs-multi-lead.js';
import { removeBaseline } from './remove-baseline.js';
import { median } from '../util/median.js';

/** What {@link estimateAtrialActivity} returns; a value that cannot be measured is null, with `reason`. */
export interface AtrialActivity {
  /** Dominant atrial frequency f_a of the QRST-cancelled residual, Hz. */
  dominantHz: number | null;
  /** Atrial rate 60·f_a, per minute. */
  atrialRatePerMin: number | null;
  /** Share of the band power within ±`peakHalfWidthHz` of f_a (0–1): near 1 for one regular atrial rhythm. */
  concentration: number | null;
  /** Ventricular rate 60 / median RR, per minute. */
  ventricularRatePerMin: number | null;
  /**
   * Atrial rate / ventricular rate (≈ 2 in 2:1 flutter, ≤ 1 when atria and ventricles beat together or dissociated).
   */
  atrialToVentricular: number | null;
  /**
   * Dominant frequency of the activity not locked to the QRS (whole-cycle cancellation, see
   * `cancelWholeCycles`), Hz: dissociated P waves in JET, VT or complete heart block, flutter or
   * fibrillation at a varying conduction ratio. Null when nothing is measured (see `reason`) or
   * when the whole-cycle residual is flat.
   */
  unlockedHz: number | null;
  /** unlockedHz · 60 / ventricular rate: < 1 for AV dissociation with a slower atrium (JET, VT). */
  unlockedToVentricular: number | null;
  /** Leads whose residuals were analysed. */
  leads: string[];
  /** Why the values are null, when they are. */
  reason: string | null;
}

export interface AtrialActivityOptions {
  /** Band searched for the atrial peak, Hz (180–720/min). @default [3, 12] */
  bandHz?: readonly [number, number];
  /** Welch segment length, s (Hann window, 50 % overlap; shorter recordings use one segment). @default 4 */
  segmentSeconds?: number;
  /** Shortest recording analysed, s. @default 3 */
  minSeconds?: number;
  /** Half-width of the peak whose power share is the concentration, Hz. @default 0.5 */
  peakHalfWidthHz?: number;
  /** Spacing of the frequency grid the spectrum is evaluated on, Hz. @default 0.05 */
  gridHz?: number;
  /** R-peak sample indices, when already detected (else detected on every usable lead, as `measureEcg` does). */
  rPeaks?: ArrayLike<number>;
  /**
   * Band searched for the unlocked activity, Hz: above the baseline wander a 0.5-Hz high-pass
   * leaves, low enough for dissociated sinus P waves at 90/min (slower ones show by their
   * harmonics). @default [1.5, 12]
   */
  unlockedBandHz?: readonly [number, number];
}

/** Leads where atrial activity is best seen: II (F waves of typical flutter) and V1. */
const ATRIAL_LEADS = ['II', 'V1'] as const;
/** Taper at each end of the cancellation window, s (no step where the template starts or stops). */
const TAPER_SECONDS = 0.02;

const nothing = (leads: string[], reason: string, ventricularRatePerMin: number | null = null): AtrialActivity => ({
  dominantHz: null,
  atrialRatePerMin: null,
  concentration: null,
  ventricularRatePerMin,
  atrialToVentricular: null,
  unlockedHz: null,
  unlockedToVentricular: null,
  leads,
  reason,
});

/** Every lead with a canonical name, else every lead (the leads `measureEcg` detects beats on). */
function ecgLeadIndices(ecg: Ecg): number[] {
  const named = ecg.leads.map((name, i) => (canonicalLead(name) ? i : -1)).filter((i) => i >= 0);
  return named.length > 0 ? named : ecg.signals.map((_, i) => i);
}

/** The leads to analyse: II and V1 when present, else {@link ecgLeadIndices}. */
function atrialLeadIndices(ecg: Ecg): number[] {
  const canonical = ecg.leads.map((name) => canonicalLead(name));
  const preferred = ATRIAL_LEADS.map((lead) => canonical.indexOf(lead)).filter((i) => i >= 0);
  return preferred.length > 0 ? preferred : ecgLeadIndices(ecg);
}

/** A lead is usable when it has samples and at most 5 % of them are invalid (NaN gaps get interpolated). */
function isUsableLead(x: Float64Array | undefined): x is Float64Array {
  if (!x || x.length === 0) return false;
  let bad = 0;
  for (const v of x) if (!Number.isFinite(v)) bad++;
  return bad <= 0.05 * x.length;
}

/**
 * Welch power spectral density (Welch 1967; Hann window, 50 % overlap) of `x` on the frequency grid
 * `freqs` (Hz): P(f) = mean over segments s of |Σ_n w[n]·x_s[n]·e^{−2πi f n/fs}|² / Σ w², i.e. the
 * zero-padded periodogram evaluated directly at each grid frequency (the grid is finer than 1/T).
 */
export function welchSpectrum(
  x: Float64Array,
  fs: number,
  segmentLength: number,
  freqs: readonly number[],
): Float64Array {
  const L = Math.min(segmentLength, x.length);
  const hop = Math.max(1, Math.floor(L / 2));
  const w = Float64Array.from({ length: L }, (_, n) => 0.5 - 0.5 * Math.cos((2 * Math.PI * n) / Math.max(1, L - 1)));
  const wPower = w.reduce((s, v) => s + v * v, 0);
  const psd = new Float64Array(freqs.length);
  const coefficients = freqs.map((f) => 2 * Math.cos((2 * Math.PI * f) / fs));
  let segments = 0;
  const seg = new Float64Array(L);
  for (let start = 0; start + L <= x.length; start += hop) {
    let mean = 0;
    for (let n = 0; n < L; n++) mean += x[start + n]!;
    mean /= L;
    for (let n = 0; n < L; n++) seg[n] = (x[start + n]! - mean) * w[n]!;
    // Goertzel (1958): s_n = x_n + 2cos(ω)·s_{n−1} − s_{n−2}, then |Σ_n x_n e^{−iωn}|² = s₁² + s₂² − 2cos(ω)·s₁s₂
    // (s₁, s₂ the last two states): one multiply per sample instead of a complex rotation; four
    // frequencies per pass over the segment, so that four independent recurrences overlap.
    for (let k = 0; k < freqs.length; k += 4) {
      const c0 = coefficients[k]!;
      const c1 = coefficients[k + 1] ?? 0;
      const c2 = coefficients[k + 2] ?? 0;
      const c3 = coefficients[k + 3] ?? 0;
      let a1 = 0;
      let a2 = 0;
      let b1 = 0;
      let b2 = 0;
      let d1 = 0;
      let d2 = 0;
      let e1 = 0;
      let e2 = 0;
      for (let n = 0; n < L; n++) {
        const v = seg[n]!;
        const a0 = v + c0 * a1 - a2;
        a2 = a1;
        a1 = a0;
        const b0 = v + c1 * b1 - b2;
        b2 = b1;
        b1 = b0;
        const d0 = v + c2 * d1 - d2;
        d2 = d1;
        d1 = d0;
        const e0 = v + c3 * e1 - e2;
        e2 = e1;
        e1 = e0;
      }
      psd[k]! += (a1 * a1 + a2 * a2 - c0 * a1 * a2) / wPower;
      if (k + 1 < freqs.length) psd[k + 1]! += (b1 * b1 + b2 * b2 - c1 * b1 * b2) / wPower;
      if (k + 2 < freqs.length) psd[k + 2]! += (d1 * d1 + d2 * d2 - c2 * d1 * d2) / wPower;
      if (k + 3 < freqs.length) psd[k + 3]! += (e1 * e1 + e2 * e2 - c3 * e1 * e2) / wPower;
    }
    segments++;
  }
  return segments > 0 ? psd.map((p) => p / segments) : psd;
}

/**
 * Average beat subtraction (Slocum et al., "Computer discrimination of atrial fibrillation and
 * regular atrial rhythms from intra-atrial electrograms", PACE 1992; in the ECG: Stridh &
 * Sörnmo, IEEE TBME 48:105, 2001): the median beat of the lead (all beats aligned on R) is
 * subtracted from every beat over the ventricular part only, QRS onset − 10 ms to T end (delineated
 * on the median beats of the analysed leads; R − 60 ms to R + 0.6·RR when delineation fails), with
 * 20-ms cosine tapers at both ends. Atrial activity not locked to the QRS (dissociated P waves,
 * fibrillation, flutter whose conduction ratio varies) survives in full. Activity locked to the
 * QRS (sinus P waves, flutter waves at a fixed conduction ratio) is part of the median beat: it
 * survives only between T end and the next QRS onset. At fast fixed 2:1 conduction that stretch is
 * shorter than one flutter cycle, and the spectral peak can then fall on another harmonic of the
 * ventricular rate (a limitation of average beat subtraction in flutter). Returns one residual per lead.
 */
function cancelQrst(
  signals: readonly Float64Array[],
  rPeaks: ArrayLike<number>,
  fs: number,
  rrSeconds: number,
): Float64Array[] {
  const pre = Math.min(0.5 * rrSeconds, 0.25);
  const post = 0.9 * rrSeconds;
  const medians = signals.map((x) => medianBeat(x, rPeaks, fs, { preSeconds: pre, postSeconds: post }));
  const rIndex = medians[0]!.rIndex;
  const d = delineate(
    medians.map((m) => m.beat),
    rIndex,
    fs,
    { rrSeconds },
  );
  const from = d.qrsOnset !== null ? d.qrsOnset - Math.round(0.01 * fs) : rIndex - Math.round(0.06 * fs);
  const to = d.tEnd !== null ? d.tEnd : rIndex + Math.round(0.6 * rrSeconds * fs);
  const start = Math.max(0, from);
  const end = Math.min(medians[0]!.beat.length - 1, to);
  const taper = Math.max(1, Math.round(TAPER_SECONDS * fs));
  const weight = Float64Array.from({ length: end - start + 1 }, (_, k) => {
    const edge = Math.min(k, end - start - k);
    return edge >= taper ? 1 : 0.5 - 0.5 * Math.cos((Math.PI * edge) / taper);
  });
  return signals.map((x, l) => {
    const template = medians[l]!.beat;
    const residual = Float64Array.from(x);
    for (let b = 0; b < rPeaks.length; b++) {
      const offset = rPeaks[b]! - rIndex;
      for (let k = start; k <= end; k++) {
        const i = offset + k;
        if (i >= 0 && i < x.length) residual[i]! -= weight[k - start]! * template[k]!;
      }
    }
    return residual;
  });
}

/**
 * Whole-cycle average beat subtraction: the median beat of the lead over R − 0.3·RR to R + 1.2·RR
 * is subtracted from every cardiac cycle, each cycle running from 0.3·RR before its R peak to 0.3·RR
 * before the next (cycles longer than 1.5·RR keep the rest of their samples). Everything locked to
 * the QRS goes with it — sinus P waves conducted 1:1 and flutter waves at a fixed conduction ratio
 * as well as the QRS and T — so what remains is the atrial activity that beats independently of
 * the ventricles: dissociated P waves (AV dissociation, the hallmark of JET and VT; Kylat & Samson,
 * "Junctional ectopic tachycardia in infants and children", J Arrhythm 36:59, 2020), and flutter or
 * fibrillation whose conduction varies. Returns one residual per lead, over the samples that
 * belong to a cancelled cycle (the first cycle's start to the last one's end, one median RR after it starts).
 */
export function cancelWholeCycles(
  signals: readonly Float64Array[],
  rPeaks: ArrayLike<number>,
  fs: number,
  rrSeconds: number,
): Float64Array[] {
  const pre = Math.round(0.3 * rrSeconds * fs);
  const cycle = Math.round(rrSeconds * fs);
  const beats = rPeaks.length;
  return signals.map((x) => {
    const { beat, rIndex } = medianBeat(x, rPeaks, fs, { preSeconds: 0.3 * rrSeconds, postSeconds: 1.2 * rrSeconds });
    const residual = Float64Array.from(x);
    const cycleStart = (b: number): number => rPeaks[b]! - pre;
    for (let b = 0; b < beats; b++) {
      const end = Math.min(
        b + 1 < beats ? cycleStart(b + 1) : cycleStart(b) + cycle,
        rPeaks[b]! - rIndex + beat.length,
        x.length,
      );
      for (let i = Math.max(0, cycleStart(b)); i < end; i++) residual[i]! -= beat[i - rPeaks[b]! + rIndex]!;
    }
    return residual.slice(Math.max(0, cycleStart(0)), Math.min(x.length, cycleStart(beats - 1) + cycle));
  });
}

/** Summed Welch spectra of `residuals` on `freqs` (segments of `segmentLength` samples). */
function summedSpectrum(
  residuals: readonly Float64Array[],
  fs: number,
  segmentLength: number,
  freqs: readonly number[],
): Float64Array {
  const spectrum = new Float64Array(freqs.length);
  for (const r of residuals)
    welchSpectrum(r, fs, segmentLength, freqs).forEach((p, k) => {
      spectrum[k]! += p;
    });
  return spectrum;
}

/** The largest peak of `spectrum` on the uniform grid `freqs` (spacing `grid`), refined by parabolic interpolation. */
function dominantFrequency(spectrum: Float64Array, freqs: readonly number[], grid: number): number {
  let peak = 0;
  spectrum.forEach((p, k) => {
    if (p > spectrum[peak]!) peak = k;
  });
  let hz = freqs[peak]!;
  if (peak > 0 && peak < freqs.length - 1) {
    const [a, b, c] = [spectrum[peak - 1]!, spectrum[peak]!, spectrum[peak + 1]!];
    const denom = a - 2 * b + c;
    if (denom < 0) hz += (0.5 * grid * (a - c)) / denom;
  }
  return hz;
}

/** A uniform grid over `band` with spacing `grid`, Hz. */
const frequencyGrid = ([lo, hi]: readonly [number, number], grid: number): number[] =>
  Array.from({ length: Math.floor((hi - lo) / grid + 1e-9) + 1 }, (_, k) => lo + k * grid);

/**
 * Atrial activity of a multi-lead ECG: QRST cancellation by average beat subtraction
 * (see `cancelQrst`) in II and V1 (or the leads there are), then the dominant atrial frequency f_a,
 * the largest peak of the summed Welch spectra of the residuals in `bandHz` (3–12 Hz: 180–720/min;
 * Holm et al., "Non-invasive assessment of the atrial cycle length during atrial fibrillation in
 * man", Cardiovasc Res 38:69, 1998; Bollmann et al., "Analysis of surface electrocardiograms in
 * atrial fibrillation", Europace 8:911, 2006), refined by parabolic interpolation on the grid. Derived:
 * the atrial rate 60·f_a, its spectral concentration (power within ±0.5 Hz of f_a over the band
 * power, the dominant-peak part of the organisation index of Everett et al., IEEE TBME 48:969,
 * 2001) and the ratio of atrial to ventricular rate. Then the same spectral peak, over
 * `unlockedBandHz`, of the residual of whole-cycle cancellation (`cancelWholeCycles`): the rate of
 * the atrial activity that is not locked to the QRS, relative to the ventricular rate. Fixed-ratio
 * flutter and 1:1 rhythms leave only noise there; AV dissociation leaves its P waves.
 *
 * R peaks are detected on all usable leads together (`detectQrsMultiLead`). Leads are
 * baseline-corrected first (zero-phase 0.5 Hz high-pass); NaN gaps under 5 % of a lead are
 * interpolated, leads with more are left out. Everything is null, with a reason, when the
 * recording is shorter than `minSeconds`, has fewer than 3 R peaks, no usable lead, or a flat
 * residual (the cancellation left no activity in the band); never NaN.
 */
export function estimateAtrialActivity(ecg: Ecg, opts: AtrialActivityOptions = {}): AtrialActivity {
  const fs = ecg.fs;
  const [fLo, fHi] = opts.bandHz ?? [3, 12];
  if (!(Number.isFinite(fs) && fs > 2 * fHi))
    return nothing([], `sampling rate ${fs} Hz cannot resolve the ${fLo}–${fHi} Hz atrial band`);
  const usable = atrialLeadIndices(ecg).filter((i) => isUsableLead(ecg.signals[i]));
  const leads = usable.map((i) => ecg.leads[i] ?? String(i));
  if (usable.length === 0) return nothing([], 'no usable lead (missing, empty or mostly invalid samples)');
  const n = Math.min(...usable.map((i) => ecg.signals[i]!.length));
  if (n < (opts.minSeconds ?? 3) * fs)
    return nothing(leads, `${(n / fs).toFixed(1)} s of signal: at least ${opts.minSeconds ?? 3} s are needed`);
  const signals = usable.map((i) =>
    removeBaseline(fillInvalidSamples(ecg.signals[i]!.subarray(0, n)), fs, { method: 'highpass', cutoffHz: 0.5 }),
  );

  let rPeaks: ArrayLike<number>;
  try {
    // Beats are found on every usable lead, as `measureEcg` finds them: on II and V1 alone, a large
    // T or flutter wave can pass for a second QRS and double the ventricular rate.
    const detection = (): Float64Array[] => {
      const all = ecgLeadIndices(ecg).filter((i) => isUsableLead(ecg.signals[i]) && ecg.signals[i]!.length >= n);
      return all.map((i) =>
        usable.includes(i)
          ? signals[usable.indexOf(i)]!
          : removeBaseline(fillInvalidSamples(ecg.signals[i]!.subarray(0, n)), fs, {
              method: 'highpass',
              cutoffHz: 0.5,
            }),
      );
    };
    rPeaks = opts.rPeaks ?? detectQrsMultiLead(detection(), fs, { origin: { file: ecg.source } });
  } catch (err) {
    if (!isFewbeatError(err)) throw err;
    return nothing(leads, `QRS detection failed: ${err.reason}`);
  }
  if (rPeaks.length < 3) return nothing(leads, `${rPeaks.length} R peak(s): at least 3 beats are needed`);
  const rr = Array.from({ length: rPeaks.length - 1 }, (_, i) => (rPeaks[i + 1]! - rPeaks[i]!) / fs);
  const rrSeconds = median(rr);
  const ventricularRatePerMin = 60 / rrSeconds;

  const residuals = cancelQrst(signals, rPeaks, fs, rrSeconds);
  const grid = opts.gridHz ?? 0.05;
  const segment = Math.round((opts.segmentSeconds ?? 4) * fs);
  const freqs = frequencyGrid([fLo, fHi], grid);
  const spectrum = summedSpectrum(residuals, fs, segment, freqs);
  const bandPower = spectrum.reduce((s, p) => s + p, 0);
  const energy = (xs: readonly Float64Array[]): number => xs.reduce((s, x) => s + x.reduce((a, v) => a + v * v, 0), 0);
  const signalEnergy = energy(signals);
  // Flat: nothing left in the band (< (1 µV)² per grid point), or a residual under 10⁻⁶ of the ECG's energy.
  const isFlat = (band: Float64Array, rs: readonly Float64Array[]): boolean =>
    !(band.reduce((s, p) => s + p, 0) > 1e-12 * band.length && energy(rs) > 1e-6 * signalEnergy);
  if (isFlat(spectrum, residuals))
    return nothing(leads, 'flat residual: no atrial activity left after QRST cancellation', ventricularRatePerMin);

  const dominantHz = dominantFrequency(spectrum, freqs, grid);
  const half = opts.peakHalfWidthHz ?? 0.5;
  const peakPower = spectrum.reduce((s, p, k) => (Math.abs(freqs[k]! - dominantHz) <= half ? s + p : s), 0);

  const unlocked = cancelWholeCycles(signals, rPeaks, fs, rrSeconds);
  const unlockedFreqs = frequencyGrid(opts.unlockedBandHz ?? [1.5, 12], grid);
  const unlockedSpectrum = summedSpectrum(unlocked, fs, segment, unlockedFreqs);
  const unlockedHz = isFlat(unlockedSpectrum, unlocked)
    ? null
    : dominantFrequency(unlockedSpectrum, unlockedFreqs, grid);
  return {
    dominantHz,
    atrialRatePerMin: 60 * dominantHz,
    concentration: peakPower / bandPower,
    ventricularRatePerMin,
    atrialToVentricular: (60 * dominantHz) / ventricularRatePerMin,
    unlockedHz,
    unlockedToVentricular: unlockedHz === null ? null : (60 * unlockedHz) / ventricularRatePerMin,
    leads,
    reason: null,
  };
}
