/**
 * The in-memory ECG every layer passes around: one sampling rate, named leads, physical values.
 * Readers (WFDB, Challenge .mat, EDF, CSV and the hospital formats) produce it; signal processing and the data
 * pipeline consume it. Plain typed arrays, no tfjs.
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
  /** What the file says about the recording and the patient besides the samples; absent = nothing. */
  meta?: EcgMetadata;
}

/**
 * What a recording's file says besides its samples. Hospital exports (MUSE, Philips, aECG, DICOM, SCP-ECG)
 * carry the patient's age and sex, the cart's own measurements and interpretive statements, and often a
 * representative (median) beat per lead; every field is optional because most files lack some.
 */
export interface EcgMetadata {
  /** The format the file was read as (`wfdb`, `edf`, `csv`, `ge-muse`, `philips`, `hl7-aecg`, `dicom`, `scp-ecg`). */
  format?: string;
  /** Patient age in decimal years, converted from the file's own unit. */
  ageYears?: number;
  sex?: 'M' | 'F';
  /** When the ECG was acquired, ISO 8601 as written by the device (no time zone conversion). */
  acquired?: string;
  /** The acquiring device or system, as the file names it. */
  device?: string;
  /** The device's interpretive statements, in order. */
  statements?: string[];
  /** The device's own measurements (e.g. `VentricularRate`, `QTInterval`), numbers in the units the file gives. */
  deviceMeasurements?: Record<string, number | string>;
  /** Other waveform groups in the file (a representative/median beat, a second rhythm group), each a whole Ecg. */
  groups?: Array<{ name: string; ecg: Ecg }>;
  /** Annotations the file carries (wave onsets and offsets, beat marks), times in seconds from the start. */
  annotations?: Array<{ code: string; lead?: string; startS: number; endS?: number }>;
}
