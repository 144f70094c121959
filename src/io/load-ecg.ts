import { FewbeatError } from '../errors.js';
import { readCsvWaveform } from './csv-waveform.js';
import type { Ecg } from './ecg.js';
import { edfToEcg, readEdf } from './edf/read-edf.js';
import type { CohortRow, CohortWindow } from './manifest/cohort.js';
import { resolveRecord } from './manifest/record-format.js';
import { readHeader } from './wfdb/header.js';
import { readEcg } from './wfdb/record.js';

export interface LoadEcgOptions {
  /** Only this time window [startS, endS) of the record; null or absent = the whole record. */
  window?: CohortWindow | null | undefined;
  /** Sampling rate for CSV waveforms without a time column. */
  fs?: number | undefined;
  /** WFDB: refuse checksum mismatches and header quirks instead of warning (see `ReadOptions.strict`). */
  strict?: boolean | undefined;
  /** WFDB: receives the record's warning, once per record (see `ReadOptions.onWarning`). */
  onWarning?: ((message: string) => void) | undefined;
}

/**
 * Load any supported recording as an `Ecg`, dispatching on what exists on disk (see
 * `resolveRecord`): a WFDB record `<path>.hea` (including Challenge `.hea` + `.mat`), an EDF/EDF+/BDF
 * file, or a CSV waveform. A window selects samples ⌊startS·fs⌉ to ⌊endS·fs⌉ (rounded to the
 * nearest sample, end exclusive); for WFDB only those bytes are read.
 */
export function loadEcg(recordPath: string, opts: LoadEcgOptions = {}): Ecg {
  const found = resolveRecord(recordPath);
  if (found === null)
    throw new FewbeatError('record not found (looked for .hea, .edf, .bdf and .csv)', { file: recordPath });
  const window = opts.window ?? null;
  if (found.format === 'wfdb') {
    const lenience = { strict: opts.strict, onWarning: opts.onWarning };
    if (window === null) return readEcg(found.file, lenience);
    const fs = readHeader(found.file).fs;
    return readEcg(found.file, {
      from: Math.round(window.startS * fs),
      to: Math.round(window.endS * fs),
      ...lenience,
    });
  }
  const ecg = found.format === 'edf' ? edfToEcg(readEdf(found.file)) : readCsvWaveform(found.file, { fs: opts.fs });
  return window === null ? ecg : cutWindow(ecg, window);
}

/** The ECG of one manifest row: its record, cut to the row's window when it has one. */
export function loadCohortEcg(row: Pick<CohortRow, 'recordPath' | 'window'>): Ecg {
  return loadEcg(row.recordPath, { window: row.window });
}

function cutWindow(ecg: Ecg, window: CohortWindow): Ecg {
  const n = ecg.signals[0]?.length ?? 0;
  const from = Math.round(window.startS * ecg.fs);
  const to = Math.round(window.endS * ecg.fs);
  if (from < 0 || to > n || from >= to) {
    throw new FewbeatError(
      `window [${window.startS}, ${window.endS}) s is not inside the recording's ${n / ecg.fs} s`,
      { file: ecg.source },
    );
  }
  return { ...ecg, signals: ecg.signals.map((s) => s.slice(from, to)) };
}
