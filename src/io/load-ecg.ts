import { readFileSync, statSync } from 'node:fs';
import { FewbeatError } from '../errors.js';
import { readCsvWaveform } from './csv-waveform.js';
import type { Ecg } from './ecg.js';
import { WHOLE_FILE_READERS } from './ecg-file-readers.js';
import { edfToEcg, readEdf } from './edf/read-edf.js';
import type { CohortRow, CohortWindow } from './manifest/cohort.js';
import { resolveRecord, sniffFile } from './manifest/record-format.js';
import { readHeader } from './wfdb/header.js';
import { readEcg, readEcgAsync, type ReadOptions } from './wfdb/record.js';

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

/** Largest hospital export read whole (DICOM, SCP-ECG, XML): far above a 12-lead ECG of minutes. */
const MAX_WHOLE_FILE_BYTES = 256 * 1024 * 1024;

/**
 * Load any supported recording as an `Ecg`, the format found from the file's content (see `resolveRecord`): a WFDB
 * record (`<path>.hea`, including Challenge `.hea` + `.mat`), EDF/EDF+/BDF, CSV, DICOM waveform, SCP-ECG or an XML
 * ECG export; the path may be given with or without its extension. A window selects samples ⌊startS·fs⌉ to
 * ⌊endS·fs⌉ (rounded to the nearest sample, end exclusive); for WFDB only those bytes are read.
 */
export function loadEcg(recordPath: string, opts: LoadEcgOptions = {}): Ecg {
  return loadFound(findRecord(recordPath), opts);
}

/** {@link loadEcg} for every format, FLAC-compressed WFDB (formats 508, 516, 524) included. */
export async function loadEcgAsync(recordPath: string, opts: LoadEcgOptions = {}): Promise<Ecg> {
  const found = findRecord(recordPath);
  if (found.format !== 'wfdb') return loadFound(found, opts);
  return withFormat(await readEcgAsync(found.file, wfdbOptions(found.file, opts)), 'wfdb');
}

/** {@link loadEcg} of a recording already found on disk. */
function loadFound(found: FoundRecord, opts: LoadEcgOptions): Ecg {
  if (found.format === 'wfdb') return withFormat(readEcg(found.file, wfdbOptions(found.file, opts)), 'wfdb');
  let ecg: Ecg;
  if (found.format === 'edf') ecg = withFormat(edfToEcg(readEdf(found.file)), 'edf');
  else if (found.format === 'csv') ecg = withFormat(readCsvWaveform(found.file, { fs: opts.fs }), 'csv');
  else ecg = WHOLE_FILE_READERS[found.format](readWholeFile(found.file), found.file);
  return opts.window ? cutWindow(ecg, opts.window) : ecg;
}

type FoundRecord = NonNullable<ReturnType<typeof resolveRecord>>;

/** The recording `recordPath` names, or a one-line error saying why there is none. */
function findRecord(recordPath: string): FoundRecord {
  const found = resolveRecord(recordPath);
  if (found !== null) return found;
  let exists = false;
  try {
    exists = statSync(recordPath).isFile();
  } catch {
    // not there: the message below says what was looked for
  }
  throw new FewbeatError(
    exists && sniffFile(recordPath) === null
      ? 'not a recognised ECG file (WFDB header, EDF/BDF, CSV, DICOM waveform, SCP-ECG or XML)'
      : 'record not found (looked for the path itself, .hea, .edf, .bdf, .csv, .dcm, .scp and .xml)',
    { file: recordPath },
  );
}

/** The WFDB reader's options: the lenience asked for, and a window as the samples it covers. */
function wfdbOptions(headerFile: string, opts: LoadEcgOptions): ReadOptions {
  const lenience = { strict: opts.strict, onWarning: opts.onWarning };
  if (!opts.window) return lenience;
  const fs = readHeader(headerFile).fs;
  return { from: Math.round(opts.window.startS * fs), to: Math.round(opts.window.endS * fs), ...lenience };
}

/** The ECG of one manifest row: its record, cut to the row's window when it has one. */
export function loadCohortEcg(row: Pick<CohortRow, 'recordPath' | 'window'>): Ecg {
  return loadEcg(row.recordPath, { window: row.window });
}

function withFormat(ecg: Ecg, format: string): Ecg {
  return { ...ecg, meta: { ...ecg.meta, format: ecg.meta?.format ?? format } };
}

function readWholeFile(path: string): Uint8Array {
  try {
    const size = statSync(path).size;
    if (size > MAX_WHOLE_FILE_BYTES)
      throw new FewbeatError(`file of ${size} bytes is larger than the ${MAX_WHOLE_FILE_BYTES} bytes accepted`, {
        file: path,
      });
    return new Uint8Array(readFileSync(path));
  } catch (e) {
    if (e instanceof FewbeatError) throw e;
    throw new FewbeatError(`cannot read file (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, {
      file: path,
    });
  }
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
