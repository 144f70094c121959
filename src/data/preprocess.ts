import type { Ecg } from '../io/ecg.js';
import { FewbeatError } from '../errors.js';
import { butter, resampleTo, sosfiltfilt, type Sos } from '../signal/filters/index.js';

/**
 * How a recording becomes model input; saved in the model's config.json so that inference
 * preprocesses exactly as training did.
 */
export interface PreprocessSpec {
  /** Model sampling rate in Hz. @default 250 */
  fs: number;
  /** Samples per recording after crop/pad, T. @default 2500 (10 s at 250 Hz) */
  samples: number;
  /** The model's lead set, in input order (L = leads.length). */
  leads: string[];
  /** Zero-phase Butterworth band-pass [low, high] in Hz. @default [0.5, 40] */
  bandpassHz: [number, number];
  /** Butterworth order of the band-pass (before doubling by forward-backward filtering). @default 2 */
  filterOrder: number;
}

export const DEFAULT_PREPROCESS: PreprocessSpec = {
  fs: 250,
  samples: 2500,
  leads: ['I', 'II', 'III', 'aVR', 'aVL', 'aVF', 'V1', 'V2', 'V3', 'V4', 'V5', 'V6'],
  bandpassHz: [0.5, 40],
  filterOrder: 2,
};

/** One preprocessed recording: `signal[t * L + l]` ([T, L], time-major) and `mask[l]` (1 = recorded). */
export interface PreprocessedEcg {
  signal: Float32Array;
  mask: Float32Array;
}

/** Common spellings of lead names (`MLII` is MIT-BIH's modified lead II, `AVR` upper-case). */
function canonicalLead(name: string): string {
  const n = name.trim().toUpperCase().replace(/^LEAD\s*/, '');
  return n === 'MLII' ? 'II' : n === 'MLI' ? 'I' : n;
}

const sosCache = new Map<string, Sos>();
function bandpass(spec: PreprocessSpec): Sos {
  const key = `${spec.filterOrder}:${spec.bandpassHz.join(',')}:${spec.fs}`;
  let sos = sosCache.get(key);
  if (!sos) sosCache.set(key, (sos = butter({ order: spec.filterOrder, cutoffHz: spec.bandpassHz, band: 'bandpass', fs: spec.fs })));
  return sos;
}

/** Replace NaN samples by linear interpolation between valid neighbours; null when none is valid. */
function fillInvalid(x: Float64Array): Float64Array | null {
  const valid: number[] = [];
  for (let i = 0; i < x.length; i++) if (Number.isFinite(x[i])) valid.push(i);
  if (valid.length === 0) return null;
  if (valid.length === x.length) return x;
  const y = Float64Array.from(x);
  let k = 0;
  for (let i = 0; i < y.length; i++) {
    if (Number.isFinite(y[i])) continue;
    while (k + 1 < valid.length && (valid[k + 1] as number) < i) k++;
    const a = valid[k] as number;
    const b = valid[k + 1];
    if (b === undefined || a > i) y[i] = x[a] as number;
    else y[i] = (x[a] as number) + ((i - a) / (b - a)) * ((x[b] as number) - (x[a] as number));
  }
  return y;
}

/**
 * Preprocess one recording for the model:
 * 1. map its leads to the model's lead set (missing leads: zeros, mask 0; NaN runs interpolated);
 * 2. resample to `spec.fs` (polyphase, Kaiser FIR, as scipy's `resample_poly`);
 * 3. zero-phase Butterworth band-pass (`sosfiltfilt`), removing baseline wander and HF noise;
 * 4. standardise each lead to zero mean and unit variance (a flat lead is treated as missing);
 * 5. centre-crop or zero-pad to `spec.samples`.
 *
 * @param source file name for error messages.
 */
export function preprocessEcg(ecg: Ecg, spec: PreprocessSpec, source = ecg.source ?? 'recording'): PreprocessedEcg {
  if (!(ecg.fs > 0) || !Number.isFinite(ecg.fs)) throw new FewbeatError(`sampling rate must be positive, got ${ecg.fs}`, { file: source });
  const L = spec.leads.length;
  const T = spec.samples;
  const signal = new Float32Array(T * L);
  const mask = new Float32Array(L);
  const byName = new Map(ecg.leads.map((name, i) => [canonicalLead(name), i] as const));
  const minLength = Math.ceil(ecg.fs / spec.bandpassHz[0]);
  spec.leads.forEach((lead, l) => {
    const index = byName.get(canonicalLead(lead));
    if (index === undefined) return;
    const raw = ecg.signals[index] as Float64Array;
    if (raw.length < minLength) throw new FewbeatError(`lead ${lead} has ${raw.length} samples, fewer than one period of the ${spec.bandpassHz[0]} Hz high-pass (${minLength})`, { file: source });
    const filled = fillInvalid(raw);
    if (!filled) return;
    const filtered = sosfiltfilt(bandpass(spec), resampleTo(filled, ecg.fs, spec.fs));
    let mean = 0;
    for (const v of filtered) mean += v;
    mean /= filtered.length;
    let variance = 0;
    for (const v of filtered) variance += (v - mean) ** 2;
    const sd = Math.sqrt(variance / filtered.length);
    if (!(sd > 1e-6)) return;
    const offset = Math.max(0, Math.floor((filtered.length - T) / 2));
    const n = Math.min(T, filtered.length);
    for (let t = 0; t < n; t++) signal[t * L + l] = ((filtered[offset + t] as number) - mean) / sd;
    mask[l] = 1;
  });
  if (!mask.some((m) => m === 1)) {
    throw new FewbeatError(`none of the model's leads (${spec.leads.join(', ')}) is usable; the recording has ${ecg.leads.join(', ')}`, { file: source });
  }
  return { signal, mask };
}
