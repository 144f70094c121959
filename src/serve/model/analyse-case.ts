import { isFewbeatError } from '../../errors.js';
import type { Ecg } from '../../io/ecg.js';
import { assessQuality } from '../../signal/assess-quality.js';
import { fillInvalidSamples } from '../../signal/fill-invalid-samples.js';
import { medianBeat } from '../../signal/median-beat.js';
import { measureEcg, type Measurement } from '../../signal/measure-ecg.js';
import { defaultNormTable } from '../../signal/norms/default-norms.js';
import { detectQrsMultiLead } from '../../signal/qrs/detect-qrs-multi-lead.js';
import { removeBaseline } from '../../signal/remove-baseline.js';
import type { Analysis } from '../api/schemas.js';

const finiteOrNull = (v: number | null | undefined): number | null =>
  v === null || v === undefined || !Number.isFinite(v) ? null : v;

/**
 * The analysis of a case for the clinician: `fewbeat measure`'s result (`measureEcg` against the
 * default pediatric norms, Rijnbeek et al., Eur Heart J 2001) for the child's age and sex, the signal
 * quality per lead, the R peaks and the median beat of every lead it measured from.
 *
 * R peaks and median beats are found exactly as `measureEcg` finds them (its leads, the same 0.15 Hz
 * zero-phase high-pass, `detectQrsMultiLead`, dominant beats with both neighbouring RR intervals
 * within 20 % of the median, window min(0.5, 0.6·RR) s before and min(0.8, 0.8·RR) s after R), so that
 * what is drawn is what was measured. Any missing value makes the analysis `complete: false` with the
 * reason: an incomplete analysis is never shown as normal.
 */
export function analyseCase(
  caseId: string,
  ecg: Ecg,
  context: { ageYears: number | null; sex: 'M' | 'F' | null },
): Analysis {
  const quality = assessQuality(ecg);
  const qualityOut = {
    score: quality.score,
    usable: quality.usable,
    summary: quality.summary,
    leads: quality.leads.map((l) => ({ lead: l.lead, score: l.score, flags: [...l.flags] })),
  };
  let m: Measurement | null = null;
  let failure: string | null = null;
  try {
    m = measureEcg(ecg, {
      ageYears: context.ageYears ?? undefined,
      sex: context.sex ?? undefined,
      norms: defaultNormTable(),
    });
  } catch (e) {
    if (!isFewbeatError(e)) throw e;
    failure = e.reason;
  }
  const reasons = m?.reasons ?? {};
  const why = (key: string): string | null => reasons[key] ?? failure ?? null;
  const zWhy = m === null ? failure : (reasons.z ?? null);
  const value = (
    v: number | null | undefined,
    key: string,
    unit: string,
    z: number | null | undefined,
    method: string,
  ): Analysis['measurements']['hr'] => {
    const x = finiteOrNull(v);
    return { value: x, unit, z: finiteOrNull(z), method, reason: x === null ? (why(key) ?? 'not measured') : null };
  };
  const leadsText = m && m.leads.length > 0 ? m.leads.join(' ') : 'no lead';
  const measurements: Analysis['measurements'] = {
    hr: value(m?.hr_bpm, 'hr_bpm', 'bpm', m?.z.hr, `60 / median RR, R peaks detected on ${leadsText} together`),
    pr: value(m?.pr_ms, 'pr_ms', 'ms', m?.z.pr, `P onset to QRS onset on the median beats of ${leadsText}`),
    qrs: value(m?.qrs_ms, 'qrs_ms', 'ms', m?.z.qrs, `QRS onset to offset on the median beats of ${leadsText}`),
    qt: value(m?.qt_ms, 'qt_ms', 'ms', null, `QRS onset to T end on the median beats of ${leadsText}`),
    qtcBazett: value(m?.qtc_bazett_ms, 'qt_ms', 'ms', m?.z.qtc, 'Bazett: QT / √RR'),
    qtcFridericia: value(m?.qtc_fridericia_ms, 'qt_ms', 'ms', null, 'Fridericia: QT / ∛RR'),
  };
  const incompleteReasons: string[] = [];
  if (failure !== null) incompleteReasons.push(`measurement failed: ${failure}`);
  for (const [name, v] of Object.entries(measurements))
    if (v.value === null && failure === null) incompleteReasons.push(`${name}: ${v.reason ?? 'not measured'}`);
  if (!quality.usable) incompleteReasons.push(`signal quality: ${quality.summary}`);
  if (m !== null && m.norms === null && zWhy !== null) incompleteReasons.push(`age norms: ${zWhy}`);

  const beats = m !== null && m.leads.length > 0 ? beatsAsMeasured(ecg, m) : null;
  return {
    caseId,
    complete: incompleteReasons.length === 0,
    incompleteReasons,
    measurements,
    norms: m?.norms ?? null,
    flags: (m?.flags ?? []).map((f) => ({ code: f.code, text: f.text })),
    rr: {
      n: m?.rr.n ?? 0,
      meanMs: finiteOrNull(m?.rr.mean_ms),
      medianMs: finiteOrNull(m?.rr.median_ms),
      sdnnMs: finiteOrNull(m?.rr.sdnn_ms),
      rmssdMs: finiteOrNull(m?.rr.rmssd_ms),
      cv: finiteOrNull(m?.rr.cv),
    },
    pWaveRepeatability: finiteOrNull(m?.p_wave_repeatability),
    quality: qualityOut,
    leadsUsed: m?.leads ?? [],
    rPeaks: {
      fs: ecg.fs,
      samples: beats ? Array.from(beats.peaks) : [],
      times: beats ? Array.from(beats.peaks, (s) => s / ecg.fs) : [],
    },
    medianBeats: beats?.medians ?? { fs: ecg.fs, rIndex: 0, beatsUsed: 0, leads: [] },
  };
}

/** R peaks and median beats of the leads `measureEcg` used, by its own steps (see `analyseCase`). */
function beatsAsMeasured(ecg: Ecg, m: Measurement): { peaks: Int32Array; medians: Analysis['medianBeats'] } {
  const fs = ecg.fs;
  const idx = m.leads.map((name) => ecg.leads.indexOf(name));
  const signals = idx.map((i) =>
    removeBaseline(fillInvalidSamples(ecg.signals[i] as Float64Array), fs, { method: 'highpass', cutoffHz: 0.15 }),
  );
  const peaks = detectQrsMultiLead(signals, fs, { origin: { file: ecg.source } });
  const rrSeconds = m.rr.median_ms / 1000;
  const dominant: number[] = [];
  for (let i = 1; i < peaks.length - 1; i++) {
    const before = ((peaks[i] as number) - (peaks[i - 1] as number)) / fs;
    const after = ((peaks[i + 1] as number) - (peaks[i] as number)) / fs;
    if (Math.abs(before - rrSeconds) <= 0.2 * rrSeconds && Math.abs(after - rrSeconds) <= 0.2 * rrSeconds)
      dominant.push(i);
  }
  const use = dominant.length >= 3 ? dominant : Array.from(peaks.keys());
  const window = { preSeconds: Math.min(0.5, 0.6 * rrSeconds), postSeconds: Math.min(0.8, 0.8 * rrSeconds), use };
  const medians = signals.map((x) => medianBeat(x, peaks, fs, window));
  return {
    peaks,
    medians: {
      fs,
      rIndex: medians[0]?.rIndex ?? 0,
      beatsUsed: medians[0]?.count ?? 0,
      leads: medians.map((mb, k) => ({
        lead: m.leads[k] as string,
        unit: ecg.units[idx[k] as number] ?? 'mV',
        samples: Array.from(mb.beat, (v) => Math.round(v * 1e4) / 1e4),
      })),
    },
  };
}
