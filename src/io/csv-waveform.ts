import { readFileSync } from 'node:fs';
import { parse as parseCsv } from 'csv-parse/sync';
import { FewbeatError } from '../errors.js';
import type { Ecg } from './ecg.js';
import { assertText } from './text-encoding.js';

/**
 * ECG waveforms as CSV: a header line, then one line per sample.
 *
 * - Columns: an optional time column named `time`, `t`, `time_s`, `seconds` (seconds) or `time_ms`
 *   (milliseconds), then one column per lead. A lead column may carry its units in brackets or
 *   parentheses, `II (mV)` or `V1 [uV]`; otherwise `opts.units` (default `mV`).
 * - Sampling rate: `opts.fs` when given, else from the time column as 1 / median step; the steps
 *   must be uniform (every step within 1 % of the median), else it is an error.
 * - Cells: decimal numbers; an empty cell or `NaN` is an invalid sample (NaN).
 */
export interface CsvWaveformOptions {
  fs?: number | undefined;
  units?: string | undefined;
}

const TIME_COLUMNS: Record<string, number> = {
  time: 1,
  t: 1,
  time_s: 1,
  seconds: 1,
  'time (s)': 1,
  time_ms: 1e-3,
  'time (ms)': 1e-3,
};
const UNIT_SUFFIX = /^(.*?)\s*[([]\s*([^)\]]+?)\s*[)\]]$/;
const STEP_TOLERANCE = 0.01;
/** Highest sampling rate accepted (WFDB's limit too): a faster "rate" is a broken time column. */
const MAX_CSV_FS = 1_000_000;

export function readCsvWaveform(path: string, opts: CsvWaveformOptions = {}): Ecg {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    throw new FewbeatError(`cannot read file (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, {
      file: path,
    });
  }
  assertText(bytes, path);
  return parseCsvWaveform(bytes.toString('utf8'), path, opts);
}

/** Most lead columns a waveform CSV may have (ECG devices record at most a few hundred channels). */
export const MAX_CSV_LEADS = 1024;

export function parseCsvWaveform(text: string, file: string, opts: CsvWaveformOptions = {}): Ecg {
  // Count the header line's columns before parsing the whole file into cells (an upper bound: quoted commas count too).
  const firstLine = text.slice(0, Math.max(0, text.indexOf('\n')) || text.length);
  const columns = firstLine.split(',').length;
  if (columns - 1 > MAX_CSV_LEADS)
    throw new FewbeatError(`${columns - 1} lead columns; a waveform CSV may have at most ${MAX_CSV_LEADS}`, {
      file,
      location: 'line 1',
    });
  let rows: string[][];
  try {
    rows = parseCsv(text, { bom: true, skip_empty_lines: true, trim: true, comment: '#' }) as string[][];
  } catch (e) {
    throw new FewbeatError(`not valid CSV (${(e as Error).message})`, { file });
  }
  if (rows.length < 2) throw new FewbeatError('needs a header line and at least one sample line', { file });
  const header = rows[0]!;
  const timeIndex = header.findIndex((h) => h.toLowerCase() in TIME_COLUMNS);
  const leadIndex = header.map((_, i) => i).filter((i) => i !== timeIndex);
  if (leadIndex.length === 0) throw new FewbeatError('no lead columns', { file, location: 'line 1' });
  const leads: string[] = [];
  const units: string[] = [];
  for (const i of leadIndex) {
    const m = UNIT_SUFFIX.exec(header[i]!);
    leads.push(m ? m[1]! : header[i]!);
    units.push(m ? m[2]! : (opts.units ?? 'mV'));
  }
  if (leads.some((l) => l === '')) throw new FewbeatError('a lead column has no name', { file, location: 'line 1' });

  const n = rows.length - 1;
  const signals = leadIndex.map(() => new Float64Array(n));
  const times = new Float64Array(n);
  for (let r = 1; r < rows.length; r++) {
    const row = rows[r]!;
    if (row.length !== header.length)
      throw new FewbeatError(`has ${row.length} cells, the header has ${header.length}`, {
        file,
        location: `sample row ${r}`,
      });
    const value = (i: number, allowMissing: boolean): number => {
      const cell = row[i]!;
      if (allowMissing && (cell === '' || cell === 'NaN')) return NaN;
      const v = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(cell) ? Number(cell) : NaN;
      if (!Number.isFinite(v))
        throw new FewbeatError(`not a number: '${cell}'`, { file, location: `sample row ${r}, column ${header[i]}` });
      return v;
    };
    if (timeIndex >= 0) times[r - 1] = value(timeIndex, false) * TIME_COLUMNS[header[timeIndex]!.toLowerCase()]!;
    leadIndex.forEach((i, k) => {
      signals[k]![r - 1] = value(i, true);
    });
  }
  const fs = opts.fs ?? (timeIndex >= 0 ? rateFromTimes(times, file) : undefined);
  if (fs === undefined)
    throw new FewbeatError(
      `no time column (${Object.keys(TIME_COLUMNS).join(', ')}) and no sampling rate given (--fs)`,
      { file, location: 'line 1' },
    );
  if (!(Number.isFinite(fs) && fs > 0 && fs <= MAX_CSV_FS))
    throw new FewbeatError(`sampling rate ${fs} Hz is not in (0, ${MAX_CSV_FS}]`, { file });
  return { fs, leads, signals, units, source: file };
}

/** fs = 1 / median(Δt) (rounded to 1e-6 Hz), requiring every step within 1 % of the median. */
function rateFromTimes(times: Float64Array, file: string): number {
  if (times.length < 2)
    throw new FewbeatError('one sample is not enough to derive the sampling rate from the time column', { file });
  const steps = Array.from({ length: times.length - 1 }, (_, i) => times[i + 1]! - times[i]!);
  const sorted = [...steps].sort((a, b) => a - b);
  const dt = sorted[sorted.length >> 1]!;
  if (!(dt > 0)) throw new FewbeatError('time column does not increase', { file });
  const bad = steps.findIndex((s) => Math.abs(s - dt) > STEP_TOLERANCE * dt);
  if (bad >= 0)
    throw new FewbeatError(`irregular sampling: step ${steps[bad]} s after sample ${bad + 1}, median step ${dt} s`, {
      file,
      location: `sample row ${bad + 2}`,
    });
  return Math.round(1e6 / dt) / 1e6;
}
