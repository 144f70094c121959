import { toMillivoltsFactor } from './paper';

/** A record ready to draw: one Float64Array per lead in millivolts, NaN where a sample is invalid. */
export interface Trace {
  fs: number;
  leads: string[];
  signals: Float64Array[];
  /** Record duration in seconds. */
  durationS: number;
}

/** The service's waveform answer: physical values per lead, null = invalid sample. */
export interface WaveformLike {
  fs: number;
  leads: string[];
  units: string[];
  signals: (number | null)[][];
}

/**
 * Converts a waveform in physical units to millivolts (lead by lead, by its own unit). A lead whose unit is not a
 * voltage is kept as is, so it stays visible, and its name is returned in `unknownUnits` so the page can say so.
 */
export function traceFromWaveform(w: WaveformLike): { trace: Trace; unknownUnits: string[] } {
  const unknownUnits: string[] = [];
  const signals = w.signals.map((s, i) => {
    const unit = w.units[i] ?? 'mV';
    let f = toMillivoltsFactor(unit);
    if (f === null) {
      unknownUnits.push(`${w.leads[i] ?? i} (${unit})`);
      f = 1;
    }
    const out = new Float64Array(s.length);
    for (let k = 0; k < s.length; k++) {
      const v = s[k];
      out[k] = v === null || v === undefined ? NaN : v * f;
    }
    return out;
  });
  const n = signals.reduce((m, s) => Math.max(m, s.length), 0);
  return { trace: { fs: w.fs, leads: w.leads.slice(), signals, durationS: n / w.fs }, unknownUnits };
}
