import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';
import { detectFormat, type EcgFileFormat, SNIFF_BYTES } from '../detect-format.js';

/**
 * The formats a record path can point at (`edf` covers EDF, EDF+, BDF and BDF+; `xml` the XML ECG exports). Found
 * from the file's content (see `detectFormat`), not from its name.
 */
export type RecordFormat = EcgFileFormat;

/** Extensions tried, in this order, for a path given without one (after the WFDB header `<path>.hea`). */
const EXTENSIONS = ['.edf', '.bdf', '.csv', '.dcm', '.scp', '.xml', '.EDF', '.BDF', '.CSV', '.DCM', '.SCP', '.XML'];

/** Files up to this size are read whole for detection (SCP-ECG detection checks the whole file's CRC). */
const WHOLE_FILE_SNIFF_BYTES = 16 * 1024 * 1024;

function isFile(path: string): boolean {
  return existsSync(path) && statSync(path).isFile();
}

/**
 * The format of an existing file from its content, or null when no reader recognises it. The first
 * {@link SNIFF_BYTES} decide for every format but an SCP-ECG file without its `SCPECG` mark, which needs the whole
 * file's CRC (read only then, for files up to 16 MB).
 */
export function sniffFile(path: string): RecordFormat | null {
  let fd: number | null = null;
  try {
    const size = statSync(path).size;
    fd = openSync(path, 'r');
    const read = (n: number): Uint8Array => {
      const bytes = new Uint8Array(n);
      let got = 0;
      while (got < n) {
        const r = readSync(fd!, bytes, got, n - got, got);
        if (r === 0) break;
        got += r;
      }
      return bytes.subarray(0, got);
    };
    const head = detectFormat(read(Math.min(size, SNIFF_BYTES)));
    if (head !== null || size <= SNIFF_BYTES || size > WHOLE_FILE_SNIFF_BYTES) return head;
    return detectFormat(read(size));
  } catch {
    return null;
  } finally {
    if (fd !== null) closeSync(fd);
  }
}

/**
 * What a record path points at: a WFDB record named by its base path or by its `.hea`/`.dat`/`.mat` file; an
 * existing file of any format (found from its content); `<path>.hea`; else `<path>` plus one of the known
 * extensions. Returns the format and the file to open (for WFDB, the path without extension), or null when nothing
 * readable is there.
 */
export function resolveRecord(recordPath: string): { format: RecordFormat; file: string } | null {
  const base = recordPath.replace(/\.(hea|dat|mat)$/i, '');
  if (base !== recordPath && isFile(`${base}.hea`)) return { format: 'wfdb', file: base };
  if (isFile(recordPath)) {
    const format = sniffFile(recordPath);
    if (format === 'wfdb') return { format, file: base };
    return format === null ? null : { format, file: recordPath };
  }
  if (isFile(`${recordPath}.hea`)) return { format: 'wfdb', file: recordPath };
  for (const ext of EXTENSIONS) {
    const file = `${recordPath}${ext}`;
    if (!isFile(file)) continue;
    const format = sniffFile(file);
    if (format !== null && format !== 'wfdb') return { format, file };
  }
  return null;
}
