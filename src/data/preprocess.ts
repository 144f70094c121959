import type { Ecg } from '../io/ecg.js';
import { FewbeatError } from '../errors.js';
import { fillInvalidSamples } from '../signal/fill-invalid-samples.js';
import { butter, resampleTo, sosfiltfilt, type Sos } from '../signal/filters/index.js';
import { mapToLeadSet } from '../signal/map-to-lead-set.js';
import { standardise } from '../signal/standardise.js';

/**
 * How a recording becomes model input; saved in the model's config.json so that inference
 * preprocesses exactly as training did.
 */
export interface PreprocessSpec {
  /** Model sampling rate in Hz. @default 100 (as PTB-XL's low-rate benchmark, Strodthoff et al. 2021) */
  fs: number;
  /** Samples per recording after crop/pad, T. @default 1000 (10 s at 100 Hz, the presets' `ecg.samples`) */
  samples: number;
  /** The model's lead set, in input order (L = leads.length). */
  leads: string[];
  /** Zero-phase Butterworth band-pass [low, high] in Hz. @default [0.5, 40] */
  bandpassHz: [number, number];
  /** Butterworth order of the band-pass (before doubling by forward-backward filtering). @default 2 */
  filterOrder: number;
}

export const DEFAULT_PREPROCESS: PreprocessSpec = {
  fs: 100,
  samples: 1000,
  leads: ['I', 'II', 'III', 'aVR', 'aVL', 'aVF', 'V1', 'V2', 'V3', 'V4', 'V5', 'V6'],
  bandpassHz: [0.5, 40],
  filterOrder: 2,
};

/** One preprocessed recording: `signal[t * L + l]` ([T, L], time-major) and `mask[l]` (1 = recorded). */
export interface PreprocessedEcg {
  signal: Float32Array;
  mask: Float32Array;
}

const sosCache = new Map<string, Sos>();
function bandpass(spec: PreprocessSpec): Sos {
  const key = `${spec.filterOrder}:${spec.bandpassHz.join(',')}:${spec.fs}`;
  let sos = sosCache.get(key);
  if (!sos)
    sosCache.set(
      key,
      (sos = butter({ order: spec.filterOrder, cutoffHz: spec.bandpassHz, band: 'bandpass', fs: spec.fs })),
    );
  return sos;
}

/**
 * The lowest sampling rate read as an ECG: a QRS complex lasts 60–100 ms, so below 50 Hz it spans
 * a few samples at most. Lower rates are other signals (numerics records sample once a minute).
 */
export const MIN_ECG_SAMPLING_RATE_HZ = 50;

/** Refuse, in one line naming the file, a sampling rate that is not a number of at least 50 Hz. */
export function checkEcgSamplingRate(fs: number, source: string): void {
  if (!Number.isFinite(fs) || !(fs >= MIN_ECG_SAMPLING_RATE_HZ))
    throw new FewbeatError(
      `sampling rate ${fs} Hz is below the ${MIN_ECG_SAMPLING_RATE_HZ} Hz an ECG needs (is this an ECG?)`,
      { file: source },
    );
}

/**
 * Preprocess one recording for the model:
 * 1. map its leads to the model's lead set (`mapToLeadSet`: limb leads derived from I and II when
 *    absent; other missing leads are zeros with mask 0), interpolating over NaN samples;
 * 2. resample to `spec.fs` (polyphase, Kaiser FIR, as scipy's `resample_poly`);
 * 3. zero-phase Butterworth band-pass (`sosfiltfilt`), removing baseline wander and HF noise;
 * 4. standardise each lead to zero mean and unit variance (a flat lead is treated as missing);
 * 5. centre-crop or zero-pad to `spec.samples`.
 *
 * @param source file name for error messages.
 */
export function preprocessEcg(ecg: Ecg, spec: PreprocessSpec, source = ecg.source ?? 'recording'): PreprocessedEcg {
  checkEcgSamplingRate(ecg.fs, source);
  const L = spec.leads.length;
  const T = spec.samples;
  const signal = new Float32Array(T * L);
  const mask = new Float32Array(L);
  const mapped = mapToLeadSet({ ...ecg, source }, spec.leads);
  const minLength = Math.ceil(ecg.fs / spec.bandpassHz[0]);
  spec.leads.forEach((lead, l) => {
    const raw = mapped.signals[l] as Float64Array;
    if (mapped.mask[l] !== 1 || !raw.some(Number.isFinite)) return;
    if (raw.length < minLength)
      throw new FewbeatError(
        `lead ${lead} has ${raw.length} samples, fewer than one period of the ` +
          `${spec.bandpassHz[0]} Hz high-pass (${minLength})`,
        { file: source },
      );
    const filtered = standardise(
      sosfiltfilt(bandpass(spec), resampleTo(fillInvalidSamples(raw, `lead ${lead}`), ecg.fs, spec.fs)),
    );
    if (!filtered.some((v) => v !== 0)) return; // flat lead: treated as missing
    const offset = Math.max(0, Math.floor((filtered.length - T) / 2));
    const n = Math.min(T, filtered.length);
    for (let t = 0; t < n; t++) signal[t * L + l] = filtered[offset + t] as number;
    mask[l] = 1;
  });
  if (!mask.some((m) => m === 1)) {
    throw new FewbeatError(
      `none of the model's leads (${spec.leads.join(', ')}) is usable; the recording has ${ecg.leads.join(', ')}`,
      { file: source },
    );
  }
  return { signal, mask };
}
