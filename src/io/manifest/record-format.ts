import { existsSync, statSync } from 'node:fs';

/** The on-disk formats a manifest `record` can point at (`edf` covers EDF, EDF+, BDF and BDF+). */
export type RecordFormat = 'wfdb' | 'edf' | 'csv';

/** Extensions that name a file directly (the record cell includes them). */
const DIRECT_EXTENSIONS: ReadonlyArray<[RegExp, RecordFormat]> = [
  [/\.edf$/i, 'edf'],
  [/\.bdf$/i, 'edf'],
  [/\.csv$/i, 'csv'],
];

function isFile(path: string): boolean {
  return existsSync(path) && statSync(path).isFile();
}

/**
 * What a record path points at, in this order: a path ending in `.edf`/`.bdf`/`.csv` that exists;
 * a WFDB record `<path>.hea` (including Challenge `.hea` + `.mat`); `<path>.edf`; `<path>.bdf`; `<path>.csv`.
 * Returns the format and the file to open (for WFDB, the path without extension), or null.
 */
export function resolveRecord(recordPath: string): { format: RecordFormat; file: string } | null {
  for (const [re, format] of DIRECT_EXTENSIONS)
    if (re.test(recordPath) && isFile(recordPath)) return { format, file: recordPath };
  if (isFile(`${recordPath}.hea`)) return { format: 'wfdb', file: recordPath };
  if (isFile(`${recordPath}.edf`)) return { format: 'edf', file: `${recordPath}.edf` };
  if (isFile(`${recordPath}.bdf`)) return { format: 'edf', file: `${recordPath}.bdf` };
  if (isFile(`${recordPath}.csv`)) return { format: 'csv', file: `${recordPath}.csv` };
  return null;
}
