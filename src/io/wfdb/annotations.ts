import { existsSync, readFileSync, statSync } from 'node:fs';
import { FewbeatError } from '../../errors.js';
import { readHeader } from './header.js';

/**
 * MIT-format WFDB annotation files (`.atr`, `.qrs`, ...), as specified in the WFDB "annot(5)"
 * manual page. The file is a sequence of little-endian 16-bit words; each word holds a 6-bit code
 * A (bits 10–15) and a 10-bit value I (bits 0–9):
 *
 * | A | meaning |
 * |---|---|
 * | 1–49 | an annotation of type A, I samples after the previous one |
 * | 0 with I = 0 | end of file |
 * | 59 SKIP | the next 4 bytes are a signed 32-bit interval (high 16-bit word first), added to the time |
 * | 60 NUM | I (low byte, signed) becomes the `num` field of this and later annotations |
 * | 61 SUB | I (low byte, signed) is this annotation's subtype |
 * | 62 CHN | I (low byte) becomes the `chan` field of this and later annotations |
 * | 63 AUX | I bytes of auxiliary text follow (padded to an even count) |
 *
 * As in WFDB, NOTE annotations (`"`) at sample 0 are file-level definitions, not annotations: a
 * `## time resolution: N` note gives the time unit of the sample numbers. They are returned in
 * `notes`, not in `annotations`. Code 0 (NOTQRS) entries are dropped.
 */
export interface Annotation {
  /** Sample number, in units of the file's time resolution. */
  sample: number;
  symbol: string;
  subtype: number;
  chan: number;
  num: number;
  /** Auxiliary text (rhythm such as `(AFIB`), trailing NULs removed; `''` when absent. */
  auxNote: string;
}

export interface AnnotationFile {
  /** Time resolution (Hz) of `sample`: from a `## time resolution` note, else the record's frame rate, else null. */
  fs: number | null;
  annotations: Annotation[];
  /** Aux text of the file-level NOTE annotations at sample 0 (`## time resolution: 500`, `gqrs -r 100`). */
  notes: string[];
}

/** Annotation symbols by MIT code (WFDB ecgcodes.h); undefined codes print as `[code]`. */
const SYMBOLS: readonly string[] = [
  ' ',
  'N',
  'L',
  'R',
  'a',
  'V',
  'F',
  'J',
  'A',
  'S',
  'E',
  'j',
  '/',
  'Q',
  '~',
  '[15]',
  '|',
  '[17]',
  's',
  'T',
  '*',
  'D',
  '"',
  '=',
  'p',
  'B',
  '^',
  't',
  '+',
  'u',
  '?',
  '!',
  '[',
  ']',
  'e',
  'n',
  '@',
  'x',
  'f',
  '(',
  ')',
  'r',
];
const NOTE = 22;
const SKIP = 59;
const NUM = 60;
const SUB = 61;
const CHN = 62;
const AUX = 63;
/** Largest annotation file accepted (bytes). */
const MAX_ANNOTATION_BYTES = 1 << 30;

/** The WFDB symbol of an annotation code. */
export function annotationSymbol(code: number): string {
  return SYMBOLS[code] ?? `[${code}]`;
}

/** The MIT code of a symbol, or undefined. */
export function annotationCode(symbol: string): number | undefined {
  const i = SYMBOLS.indexOf(symbol);
  return i >= 0 ? i : undefined;
}

/**
 * Read `<recordPath>.<extension>`. The time resolution comes from the file's own
 * `## time resolution` note, else from `<recordPath>.hea` when it exists.
 */
export function readAnnotations(recordPath: string, extension: string): AnnotationFile {
  const file = `${recordPath}.${extension}`;
  let bytes: Buffer;
  try {
    if (statSync(file).size > MAX_ANNOTATION_BYTES)
      throw new FewbeatError('annotation file is larger than 1 GiB', { file });
    bytes = readFileSync(file);
  } catch (e) {
    if (e instanceof FewbeatError) throw e;
    throw new FewbeatError(`cannot read annotation file: ${(e as NodeJS.ErrnoException).code ?? String(e)}`, {
      file,
      cause: e,
    });
  }
  const parsed = parseAnnotations(bytes, file);
  if (parsed.fs === null && existsSync(`${recordPath}.hea`)) parsed.fs = readHeader(recordPath).fs;
  return parsed;
}

/** Decode the bytes of an MIT annotation file. `file` names it in error messages. */
export function parseAnnotations(bytes: Uint8Array, file: string): AnnotationFile {
  const annotations: Annotation[] = [];
  const notes: string[] = [];
  const fail = (pos: number, reason: string): never => {
    throw new FewbeatError(reason, { file, location: `byte ${pos}` });
  };
  const n = bytes.length;
  let pos = 0;
  let time = 0;
  let chan = 0;
  let num = 0;
  let current: (Annotation & { code: number }) | null = null;
  const all: Array<Annotation & { code: number }> = [];
  for (;;) {
    if (pos + 2 > n) {
      fail(
        Math.min(pos, n),
        pos >= n
          ? 'annotation file ends without its end-of-file word (truncated?)'
          : 'annotation file ends in the middle of a 16-bit word',
      );
    }
    const word = bytes[pos] | (bytes[pos + 1] << 8);
    const a = word >> 10;
    const i = word & 0x3ff;
    const at = pos;
    pos += 2;
    if (a === 0 && i === 0) break;
    if (a === SKIP) {
      if (pos + 4 > n) fail(at, 'annotation file ends inside a SKIP interval');
      const hi = bytes[pos] | (bytes[pos + 1] << 8);
      const lo = bytes[pos + 2] | (bytes[pos + 3] << 8);
      time += (hi << 16) | lo | 0;
      pos += 4;
    } else if (a === NUM || a === SUB || a === CHN) {
      const signedByte = ((i & 0xff) << 24) >> 24;
      if (a === NUM) {
        num = signedByte;
        if (current) current.num = num;
      } else if (a === CHN) {
        chan = i & 0xff;
        if (current) current.chan = chan;
      } else if (current) {
        current.subtype = signedByte;
      } else {
        fail(at, 'SUB field before any annotation');
      }
    } else if (a === AUX) {
      if (pos + i > n) fail(at, `annotation file ends inside a ${i}-byte AUX string`);
      if (!current) fail(at, 'AUX field before any annotation');
      (current as Annotation).auxNote = Buffer.from(bytes.subarray(pos, pos + i))
        .toString('latin1')
        .replace(/\0+$/, '');
      pos += i + (i & 1);
    } else {
      time += i;
      current = { sample: time, symbol: annotationSymbol(a), subtype: 0, chan, num, auxNote: '', code: a };
      all.push(current);
    }
  }
  let fs: number | null = null;
  for (const ann of all) {
    if (ann.code === NOTE && ann.sample === 0) {
      notes.push(ann.auxNote);
      const m = /^## time resolution: ([0-9.eE+-]+)/.exec(ann.auxNote);
      if (m && Number(m[1]) > 0 && Number.isFinite(Number(m[1]))) fs = Number(m[1]);
      continue;
    }
    if (ann.code === 0) continue;
    const { code: _code, ...plain } = ann;
    annotations.push(plain);
  }
  return { fs, annotations, notes };
}
