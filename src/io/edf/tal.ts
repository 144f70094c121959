import { FewbeatError } from '../../errors.js';

/** One EDF+ annotation: onset and duration in seconds from the file start, and its text. */
export interface EdfAnnotation {
  onsetS: number;
  durationS: number | null;
  text: string;
}

const ONSET_END = 0x14; // 20: ends the onset/duration part and each annotation text
const DURATION_START = 0x15; // 21: introduces the duration
const TAL_END = 0x00;
const TIME = /^[+-]\d+(\.\d*)?$/;

/**
 * Parse the Time-stamped Annotations Lists of one data record's annotation signal (EDF+ spec
 * section 2.2): each TAL is `+onset[\x15duration]\x14text\x14text\x14...\x00`, and the rest of the
 * signal is padded with \x00. The record's first TAL has an empty text and gives the record's
 * start time (the time-keeping TAL). Returns that start and the record's annotations (one per
 * non-empty text, UTF-8). `offset` is the byte offset of `bytes` in the file, for error messages.
 */
export function parseTals(
  bytes: Uint8Array,
  file: string,
  offset: number,
): { recordStartS: number | null; annotations: EdfAnnotation[] } {
  const annotations: EdfAnnotation[] = [];
  let recordStartS: number | null = null;
  let i = 0;
  const fail = (at: number, reason: string): never => {
    throw new FewbeatError(`EDF+ annotation: ${reason}`, { file, location: `byte ${offset + at}` });
  };
  const text = (from: number, to: number): string =>
    Buffer.from(bytes.buffer, bytes.byteOffset + from, to - from).toString('utf8');
  while (i < bytes.length && bytes[i] !== TAL_END) {
    const start = i;
    while (i < bytes.length && bytes[i] !== ONSET_END) {
      if (bytes[i] === TAL_END) fail(i, 'TAL ends before its onset is closed');
      i++;
    }
    if (i >= bytes.length) fail(start, 'TAL runs past the end of the annotation signal');
    const stamp = text(start, i);
    const [onsetText, durationText, ...extra] = stamp.split(String.fromCharCode(DURATION_START));
    if (
      extra.length > 0 ||
      !TIME.test(onsetText ?? '') ||
      (durationText !== undefined && !/^\d+(\.\d*)?$/.test(durationText))
    ) {
      fail(start, `malformed onset/duration '${stamp.split(String.fromCharCode(DURATION_START)).join('\\x15')}'`);
    }
    const onsetS = Number(onsetText);
    const durationS = durationText === undefined ? null : Number(durationText);
    i++;
    const texts: string[] = [];
    while (i < bytes.length && bytes[i] !== TAL_END) {
      const from = i;
      while (i < bytes.length && bytes[i] !== ONSET_END && bytes[i] !== TAL_END) i++;
      if (i >= bytes.length || bytes[i] === TAL_END) fail(from, 'annotation text not closed by \\x14');
      texts.push(text(from, i));
      i++;
    }
    if (i >= bytes.length) fail(start, 'TAL not closed by \\x00');
    i++;
    if (recordStartS === null && texts.length > 0 && texts[0] === '') recordStartS = onsetS;
    for (const t of texts) if (t !== '') annotations.push({ onsetS, durationS, text: t });
  }
  if (bytes.length > 0 && recordStartS === null) fail(0, 'data record has no time-keeping TAL');
  return { recordStartS, annotations };
}
