import { looksLikeScpEcg } from './scp-ecg/sections.js';

/* eslint-disable max-len -- rows of the markdown table below cannot be wrapped */
/**
 * The ECG file formats fewbeat tells apart by their content (never by the file name):
 *
 * | format | recognised by |
 * |---|---|
 * | `wfdb` | a WFDB header's record line: `name[/nseg] nsig [fs …]` in ASCII text (comment lines `#` first allowed) |
 * | `edf` | EDF's version field `0` followed by 7 spaces, or BDF's `0xFF` + `BIOSEMI` |
 * | `dicom` | `DICM` at byte 128 (Part 10), or a data set without preamble starting with a group 0008 element |
 * | `scp-ecg` | the record header's length fits the file, section 0's header follows at byte 6 with id 0 and the file's CRC-CCITT matches |
 * | `xml` | after an optional byte order mark and white space, `<` (UTF-8, UTF-16 LE or BE) |
 * | `csv` | text whose first line has a comma, semicolon or tab and whose second line starts like a number, or whose |
 * |       | first line, so separated, runs past the sniffed start |
 */
/* eslint-enable max-len */
export type EcgFileFormat = 'wfdb' | 'edf' | 'dicom' | 'scp-ecg' | 'xml' | 'csv';

/** Bytes read from the start of a file for detection when the whole file is not needed. */
export const SNIFF_BYTES = 4096;

const ascii = (b: Uint8Array, from: number, to: number): string => {
  let s = '';
  for (let i = from; i < Math.min(to, b.length); i++) s += String.fromCharCode(b[i]!);
  return s;
};

/**
 * The format of a file from its bytes: `bytes` is the whole file (SCP-ECG detection checks the file's CRC, so it
 * needs all of it) or at least its first {@link SNIFF_BYTES}. Null when none matches.
 */
export function detectFormat(bytes: Uint8Array): EcgFileFormat | null {
  if (ascii(bytes, 128, 132) === 'DICM') return 'dicom';
  if (ascii(bytes, 0, 8) === '0       ' || (bytes[0] === 0xff && ascii(bytes, 1, 8) === 'BIOSEMI')) return 'edf';
  if (looksLikeScpEcg(bytes)) return 'scp-ecg';
  if (looksLikeRawDicom(bytes)) return 'dicom';
  const text = decodeStart(bytes);
  if (text === null) return null;
  const start = text.replace(/^\uFEFF/, '').trimStart();
  if (start.startsWith('<')) return 'xml';
  const lines = start.split(/\r?\n/).filter((l) => l.trim() !== '');
  const firstRecordLine = lines.find((l) => !l.startsWith('#'));
  if (firstRecordLine !== undefined && WFDB_RECORD_LINE.test(firstRecordLine.trim())) return 'wfdb';
  if (lines.length >= 2 && /[,;\t]/.test(lines[0]!) && /^\s*"?[-+.\d]/.test(lines[1]!)) return 'csv';
  // A separated first line longer than the sniffed start: only a CSV is written so; its reader says what is wrong.
  const cutInFirstLine = bytes.length > SNIFF_BYTES && !/[\r\n]/.test(start);
  if (cutInFirstLine && /[,;\t]/.test(start)) return 'csv';
  return null;
}

/** `name[/nseg] nsig [fs[/counter][(base)]] …`: a record name without spaces, then an integer signal count. */
const WFDB_RECORD_LINE = /^[A-Za-z0-9_.\-~]+(\/\d+)?\s+\d+(\s+[\d.eE+-]+(\/[\d.eE+-]+)?(\([\d.eE+-]+\))?)?(\s|$)/;

/** A DICOM data set without the Part 10 preamble: a group 0008 tag, then an explicit VR or a 4-byte length. */
function looksLikeRawDicom(b: Uint8Array): boolean {
  if (b.length < 16 || b[0] !== 0x08 || b[1] !== 0x00) return false;
  const vr = ascii(b, 4, 6);
  if (/^[A-Z]{2}$/.test(vr)) return true;
  const length = (b[4]! | (b[5]! << 8) | (b[6]! << 16)) + b[7]! * 2 ** 24;
  return length < 1024;
}

/** The start of the file as text (UTF-8, or UTF-16 by its byte order mark or zero bytes), or null for binary data. */
function decodeStart(bytes: Uint8Array): string | null {
  const head = bytes.subarray(0, Math.min(bytes.length, SNIFF_BYTES));
  if (head.length === 0) return null;
  const le = (head[0] === 0xff && head[1] === 0xfe) || (head[1] === 0 && head[0] !== 0);
  const be = (head[0] === 0xfe && head[1] === 0xff) || (head[0] === 0 && head[1] !== 0);
  if (le || be) return new TextDecoder(le ? 'utf-16le' : 'utf-16be').decode(head);
  let control = 0;
  for (const c of head) if (c === 0 || (c < 32 && c !== 9 && c !== 10 && c !== 13)) control++;
  if (control > 0) return null;
  return new TextDecoder('utf-8').decode(head);
}
