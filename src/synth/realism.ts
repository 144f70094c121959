import { isFewbeatError } from '../errors.js';
import type { Ecg } from '../io/ecg.js';
import { butter } from '../signal/filters/butter.js';
import { sosfiltfilt } from '../signal/filters/sosfiltfilt.js';
import { canonicalLead } from '../signal/lead-registry.js';
import { measureEcg } from '../signal/measure-ecg.js';
import { removeBaseline } from '../signal/remove-baseline.js';

/** Frequency bands (Hz) of the power summary. */
export const POWER_BANDS: ReadonlyArray<readonly [number, number]> = [
  [0.05, 0.5],
  [0.5, 5],
  [5, 15],
  [15, 40],
  [40, 100],
];

/** Summary statistics of one ECG for comparing synthetic with real recordings. */
export interface EcgSummary {
  readonly hrBpm: number | null;
  readonly qrsMs: number | null;
  /** Robust peak-to-peak amplitude (99th − 1st percentile after baseline removal), mV, by canonical lead name. */
  readonly amplitudeMv: Record<string, number>;
  /**
   * Share of lead II's (else the first lead's) power in each of {@link
   * POWER_BANDS} (band-pass, 4th-order Butterworth, zero phase).
   */
  readonly bandPower: number[];
}

function percentile(sorted: Float64Array, q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.round(q * (sorted.length - 1))))]!;
}

/** Summarise one ECG (any lead set, any rate ≥ 250 Hz). */
export function summariseEcg(ecg: Ecg): EcgSummary {
  let hrBpm: number | null = null;
  let qrsMs: number | null = null;
  try {
    const m = measureEcg(ecg);
    hrBpm = m.hr_bpm;
    qrsMs = m.qrs_ms;
  } catch (e) {
    // A record without two detectable beats has no HR or QRS; its amplitudes and spectrum still count.
    if (!isFewbeatError(e)) throw e;
  }
  const amplitudeMv: Record<string, number> = {};
  ecg.leads.forEach((name, i) => {
    const sorted = removeBaseline(ecg.signals[i]!, ecg.fs).sort();
    amplitudeMv[canonicalLead(name) ?? name] = percentile(sorted, 0.99) - percentile(sorted, 0.01);
  });
  const leadII = ecg.leads.findIndex((l) => canonicalLead(l) === 'II');
  const x = ecg.signals[leadII >= 0 ? leadII : 0]!;
  const mean = x.reduce((a, b) => a + b, 0) / x.length;
  const centred = x.map((v) => v - mean);
  const power = (y: Float64Array): number => y.reduce((a, v) => a + v * v, 0) / y.length;
  const bands = POWER_BANDS.map(([lo, hi]) =>
    hi < ecg.fs / 2
      ? power(sosfiltfilt(butter({ order: 4, band: 'bandpass', cutoffHz: [lo, hi], fs: ecg.fs }), centred))
      : 0,
  );
  const total = bands.reduce((a, b) => a + b, 0) || 1;
  return { hrBpm, qrsMs, amplitudeMv, bandPower: bands.map((b) => b / total) };
}

/** Median and interquartile range. */
export interface Spread {
  readonly n: number;
  readonly median: number;
  readonly q1: number;
  readonly q3: number;
}

export function spread(values: readonly (number | null | undefined)[]): Spread {
  const xs = values.filter((v): v is number => typeof v === 'number' && Number.isFinite(v)).sort((a, b) => a - b);
  const at = (q: number): number => (xs.length ? xs[Math.round(q * (xs.length - 1))]! : Number.NaN);
  return { n: xs.length, median: at(0.5), q1: at(0.25), q3: at(0.75) };
}
