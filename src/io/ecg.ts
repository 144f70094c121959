/**
 * The in-memory ECG every layer passes around: one sampling rate, named leads, physical values.
 * Readers (WFDB, Challenge .mat, EDF, CSV) produce it; signal processing and the data pipeline
 * consume it. Plain typed arrays, no tfjs.
 */
export interface Ecg {
  /** Sampling frequency in Hz (> 0). */
  fs: number;
  /** Lead names as recorded (`I`, `II`, `V1`, `MLII`, ...); map them with the signal layer's lead registry. */
  leads: string[];
  /** One array per lead, all the same length, physical values in `units[i]`; NaN marks invalid samples. */
  signals: Float64Array[];
  /** Physical units per lead as recorded (`mV`, `uV`, ...). */
  units: string[];
  /** Where it came from (a path or a description), for error messages. */
  source?: string;
}
