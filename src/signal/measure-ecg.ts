import { FewbeatError } from '../errors.js';
import type { Ecg } from '../io/ecg.js';
import { alignBeats } from './align-beats.js';
import { assessQuality } from './assess-quality.js';
import { delineate } from './delineate.js';
import { fillInvalidSamples } from './fill-invalid-samples.js';
import { canonicalLead } from './lead-registry.js';
import { medianBeat } from './median-beat.js';
import { type NormMeasure, type NormPercentiles, type NormTable, normBandFor, normZScore } from './norms/norm-table.js';
import { pWaveRepeatability } from './p-wave-repeatability.js';
import { detectQrsMultiLead } from './qrs/detect-qrs-multi-lead.js';
import { removeBaseline } from './remove-baseline.js';
import { type RrFeatures, rrFeatures } from './rr-features.js';

/** A finding outside the norms, e.g. `{ code: 'hr_high_for_age', text: 'HR 181 bpm is above …' }`. */
export interface MeasurementFlag {
  code:
    | 'hr_high_for_age'
    | 'hr_low_for_age'
    | 'pr_long_for_age'
    | 'pr_short_for_age'
    | 'qrs_wide_for_age'
    | 'qrs_narrow_for_age'
    | 'qtc_long'
    | 'qtc_short';
  text: string;
}

/** What `measureEcg` (and `fewbeat measure --json`) returns; null values come with a reason. */
export interface Measurement {
  hr_bpm: number | null;
  pr_ms: number | null;
  qrs_ms: number | null;
  qt_ms: number | null;
  qtc_bazett_ms: number | null;
  qtc_fridericia_ms: number | null;
  /** Age- and sex-normalised z-scores (see `normZScore`); QTc uses the table's correction. */
  z: Record<NormMeasure, number | null>;
  /** Name of the norm table used, null without age or outside its ages. */
  norms: string | null;
  flags: MeasurementFlag[];
  /** Why a value is null (or how it was obtained), by key: `pr_ms`, `z`, `flags`, ... */
  reasons: Record<string, string>;
  /** RR statistics and irregularity features. */
  rr: RrFeatures;
  /**
   * P-wave repeatability (`pWaveRepeatability`): the share of the 80-300 ms before each R peak that
   * repeats from beat to beat, pooled over the leads; near 1 with a P wave locked to every QRS, near 0 in
   * atrial fibrillation or AV dissociation. Null with fewer than 3 beats.
   */
  p_wave_repeatability: number | null;
  /** Number of beats detected, and how many formed the median beat. */
  beats: { detected: number; in_median_beat: number };
  /** Leads used for detection and delineation (leads that are off or flat are left out). */
  leads: string[];
  /** Signal quality of the leads considered (see `assessQuality`). */
  quality: { score: number; usable: boolean; summary: string };
  fs: number;
  age_years: number | null;
  sex: 'M' | 'F' | null;
}

export interface MeasureOptions {
  /** Age in decimal years; without it there are no age norms, z-scores or age flags. */
  ageYears?: number | undefined;
  sex?: 'M' | 'F' | undefined;
  /** Norm table; required for z-scores (the CLI passes Rijnbeek 2001 unless `--norms FILE`). */
  norms?: NormTable | undefined;
}

const round = (v: number, digits = 0): number => Math.round(v * 10 ** digits) / 10 ** digits;

function ageText(years: number, sex: 'M' | 'F' | null): string {
  const who = sex === 'F' ? 'a girl' : sex === 'M' ? 'a boy' : 'a child';
  if (years < 1 / 12) return `${who} of ${Math.round(years * 365.25)} days`;
  if (years < 2) return `${who} of ${Math.floor(years * 12)} months`;
  return `${who} of ${round(years, 1)} years`;
}

/**
 * Measure an ECG: heart rate and RR features from R peaks detected on all ECG leads together,
 * PR, QRS and QT from the delineation of median beats of all leads (dominant beats only: both
 * neighbouring RR intervals within 20 % of the median, aligned on their whole QRS by `alignBeats`), QTc by Bazett
 * (QT/√RR) and Fridericia (QT/∛RR) with RR the median RR in seconds, then z-scores and flags against the age band and
 * sex of a norm table. Leads are baseline-corrected first (zero-phase 0.5 Hz high-pass: a median baseline
 * would follow broad T waves at infant rates and bend the ST-T segment); NaN gaps are
 * interpolated when they are under 5 % of a lead.
 *
 * Signal quality is assessed first (`assessQuality`): leads that are off or flat are left out, and a
 * record with no usable lead gets every value null with the quality summary as the reason.
 *
 * Throws a `FewbeatError` for invalid input: fs ≤ 0, no leads, an empty lead, a lead that is
 * mostly NaN, an impossible age, or fewer than two R peaks (a record shorter than one beat).
 */
export function measureEcg(ecg: Ecg, opts: MeasureOptions = {}): Measurement {
  const file = ecg.source;
  if (!Number.isFinite(ecg.fs) || ecg.fs <= 0)
    throw new FewbeatError(`sampling rate must be a positive number of Hz, got ${ecg.fs}`, { file });
  if (ecg.signals.length === 0) throw new FewbeatError('the record has no leads', { file });
  const { ageYears } = opts;
  if (ageYears !== undefined && !(Number.isFinite(ageYears) && ageYears >= 0 && ageYears <= 130)) {
    throw new FewbeatError(`age must be between 0 and 130 years, got ${ageYears}`, { file });
  }
  const fs = ecg.fs;
  let leadIdx = ecg.leads.map((name, i) => (canonicalLead(name) ? i : -1)).filter((i) => i >= 0);
  if (leadIdx.length === 0) leadIdx = ecg.signals.map((_, i) => i);
  for (const i of leadIdx) {
    const x = ecg.signals[i]!;
    const where = { file, location: `lead ${ecg.leads[i] ?? i}` };
    if (x.length === 0) throw new FewbeatError('the signal is empty', where);
    let bad = 0;
    for (const v of x) if (!Number.isFinite(v)) bad++;
    if (bad > 0.05 * x.length)
      throw new FewbeatError(`${bad} of ${x.length} samples are NaN (invalid); at most 5 % can be interpolated`, where);
  }
  const quality = assessQuality({
    ...ecg,
    leads: leadIdx.map((i) => ecg.leads[i] ?? String(i)),
    signals: leadIdx.map((i) => ecg.signals[i]!),
    units: leadIdx.map((i) => ecg.units[i] ?? 'mV'),
  });
  const qualitySummary = { score: quality.score, usable: quality.usable, summary: quality.summary };
  if (!quality.usable) return unusable(ecg, opts, qualitySummary);
  leadIdx = leadIdx.filter((_, k) => quality.leads[k]!.score > 0);
  const signals = leadIdx.map((i) =>
    removeBaseline(fillInvalidSamples(ecg.signals[i]!), fs, { method: 'highpass', cutoffHz: 0.15 }),
  );
  const seconds = signals[0]!.length / fs;
  const beats = detectQrsMultiLead(signals, fs, { origin: { file } });
  if (beats.length < 2) {
    throw new FewbeatError(
      `found ${beats.length} R peak(s) in ${round(seconds, 2)} s of ` +
        `signal: the record is shorter than one beat or holds no detectable ECG`,
      { file },
    );
  }

  const reasons: Record<string, string> = {};
  const rr = rrFeatures(beats, fs);
  const rrSeconds = rr.median_ms / 1000;
  const hr = 60 / rrSeconds;

  const dominant: number[] = [];
  for (let i = 1; i < beats.length - 1; i++) {
    const before = (beats[i]! - beats[i - 1]!) / fs;
    const after = (beats[i + 1]! - beats[i]!) / fs;
    if (Math.abs(before - rrSeconds) <= 0.2 * rrSeconds && Math.abs(after - rrSeconds) <= 0.2 * rrSeconds)
      dominant.push(i);
  }
  const use = dominant.length >= 3 ? dominant : Array.from(beats.keys());
  const window = { preSeconds: Math.min(0.5, 0.6 * rrSeconds), postSeconds: Math.min(0.8, 0.8 * rrSeconds), use };
  const aligned = alignBeats(signals, beats, fs, use);
  const medians = signals.map((x) => medianBeat(x, aligned, fs, window));
  const d = delineate(
    medians.map((m) => m.beat),
    medians[0]!.rIndex,
    fs,
    { rrSeconds },
  );
  const toMs = (samples: number): number => round((samples * 1000) / fs);
  const pr = d.pOnset !== null && d.qrsOnset !== null ? toMs(d.qrsOnset - d.pOnset) : null;
  const qrs = d.qrsOnset !== null && d.qrsOffset !== null ? toMs(d.qrsOffset - d.qrsOnset) : null;
  const qt = d.qrsOnset !== null && d.tEnd !== null ? toMs(d.tEnd - d.qrsOnset) : null;
  if (pr === null) reasons.pr_ms = d.reasons.pOnset ?? 'P onset not found';
  if (qrs === null) reasons.qrs_ms = d.reasons.qrs ?? 'QRS boundaries not found';
  if (qt === null) reasons.qt_ms = d.reasons.tEnd ?? 'T end not found';
  const qtcB = qt !== null ? round(qt / Math.sqrt(rrSeconds)) : null;
  const qtcF = qt !== null ? round(qt / Math.cbrt(rrSeconds)) : null;
  if (dominant.length < 3)
    reasons.median_beat =
      `only ${dominant.length} beats with regular neighbours: the median ` + `beat mixes all ${beats.length} beats`;

  const result: Measurement = {
    hr_bpm: round(hr, 1),
    pr_ms: pr,
    qrs_ms: qrs,
    qt_ms: qt,
    qtc_bazett_ms: qtcB,
    qtc_fridericia_ms: qtcF,
    z: { hr: null, pr: null, qrs: null, qtc: null },
    norms: null,
    flags: [],
    reasons,
    rr,
    p_wave_repeatability: pWaveRepeatability(signals, beats, fs),
    beats: { detected: beats.length, in_median_beat: medians[0]!.count },
    leads: leadIdx.map((i) => ecg.leads[i] ?? String(i)),
    quality: qualitySummary,
    fs,
    age_years: ageYears ?? null,
    sex: opts.sex ?? null,
  };
  applyNorms(result, opts);
  return result;
}

/** The answer for a record no lead of which is usable: every value null, and why. */
function unusable(ecg: Ecg, opts: MeasureOptions, quality: Measurement['quality']): Measurement {
  const why = `signal quality too poor to measure (${quality.summary})`;
  const nan = Number.NaN;
  return {
    hr_bpm: null,
    pr_ms: null,
    qrs_ms: null,
    qt_ms: null,
    qtc_bazett_ms: null,
    qtc_fridericia_ms: null,
    z: { hr: null, pr: null, qrs: null, qtc: null },
    norms: null,
    flags: [],
    reasons: { hr_bpm: why, pr_ms: why, qrs_ms: why, qt_ms: why, z: why },
    rr: {
      n: 0,
      mean_ms: nan,
      median_ms: nan,
      sdnn_ms: nan,
      rmssd_ms: nan,
      cv: nan,
      tpr: nan,
      sample_entropy: null,
      pnn50: nan,
    },
    p_wave_repeatability: null,
    beats: { detected: 0, in_median_beat: 0 },
    leads: [],
    quality,
    fs: ecg.fs,
    age_years: opts.ageYears ?? null,
    sex: opts.sex ?? null,
  };
}

/** Fill z-scores and flags from the norm table for the measurement's age and sex. */
function applyNorms(m: Measurement, opts: MeasureOptions): void {
  const table = opts.norms;
  const age = opts.ageYears;
  if (age === undefined) {
    m.reasons.z = 'no age given: age norms, z-scores and age flags need the age';
    return;
  }
  if (!table) {
    m.reasons.z = 'no norm table given';
    return;
  }
  const band = normBandFor(table, age);
  if (!band) {
    const lo = Math.min(...table.bands.map((b) => b.min_age_years));
    const hi = Math.max(...table.bands.map((b) => b.max_age_years));
    m.reasons.z = `${table.name} covers ages ${round(lo, 3)}–${hi} years; ${round(age, 3)} years is outside`;
    return;
  }
  m.norms = table.name;
  const sex = opts.sex ?? null;
  if (!sex)
    m.reasons.z =
      'sex not given: limits pooled over boys and girls (lowest 2nd and highest 98th percentile, mean median)';
  const cellFor = (key: NormMeasure): NormPercentiles | null => {
    if (sex) return band[sex][key] ?? null;
    const a = band.M[key];
    const b = band.F[key];
    if (!a || !b) return a ?? b ?? null;
    return { median: (a.median + b.median) / 2, p2: Math.min(a.p2, b.p2), p98: Math.max(a.p98, b.p98) };
  };
  const who = ageText(age, sex);
  const qtc = table.qtc_correction === 'fridericia' ? m.qtc_fridericia_ms : m.qtc_bazett_ms;
  const checks: Array<[NormMeasure, number | null, string, string, MeasurementFlag['code'], MeasurementFlag['code']]> =
    [
      ['hr', m.hr_bpm, 'HR', 'bpm', 'hr_high_for_age', 'hr_low_for_age'],
      ['pr', m.pr_ms, 'PR', 'ms', 'pr_long_for_age', 'pr_short_for_age'],
      ['qrs', m.qrs_ms, 'QRS', 'ms', 'qrs_wide_for_age', 'qrs_narrow_for_age'],
      [
        'qtc',
        qtc,
        `QTc (${table.qtc_correction === 'fridericia' ? 'Fridericia' : 'Bazett'})`,
        'ms',
        'qtc_long',
        'qtc_short',
      ],
    ];
  for (const [key, value, label, unit, highCode, lowCode] of checks) {
    const cell = cellFor(key);
    if (value === null || !cell) continue;
    m.z[key] = round(normZScore(value, cell), 2);
    const range = `(${cell.p2}-${cell.p98})`;
    if (value > cell.p98)
      m.flags.push({
        code: highCode,
        text: `${label} ${value} ${unit} is above the 98th percentile ${range} for ${who}`,
      });
    else if (value < cell.p2)
      m.flags.push({
        code: lowCode,
        text: `${label} ${value} ${unit} is below the 2nd percentile ${range} for ${who}`,
      });
  }
}
