import { readFileSync } from 'node:fs';
import { assertText } from '../text-encoding.js';
import { FewbeatError } from '../../errors.js';

/**
 * WFDB header (`.hea`) files, as specified in the WFDB "header(5)" manual page
 * (Moody GB, WFDB Applications Guide, PhysioNet):
 *
 *     record line:  name[/nseg] nsig [fs[/counter_freq[(base_counter)]] [sig_len [base_time [base_date]]]]
 *     signal line:  file fmt[xspf][:skew][+offset] [gain[(baseline)][/units] [adc_res [adc_zero [init [checksum
 *         [block_size [description]]]]]]]
 *     segment line: name length            (multi-segment records; name `~` is a gap)
 *     comment:      # text                 (anywhere; CRLF or LF line ends)
 */

/** One signal line of a header. */
export interface WfdbSignalSpec {
  /** Data file name, relative to the header's folder; `~` means "no file" (layout headers). */
  fileName: string;
  /** Storage format code as written (`212`, `16`, `516`, ...). */
  fmt: string;
  /** Samples of this signal per frame (1 unless written as `fmt x spf`). */
  sampsPerFrame: number;
  /** Skew in frames (`fmt:skew`): the signal's sample for frame t is stored in frame t + skew. */
  skew: number;
  /** Bytes to skip at the start of the data file (`fmt+offset`, e.g. Challenge `16+24`). */
  byteOffset: number;
  /** ADC units per physical unit. 0 in the file means "uncalibrated"; reading then uses WFDB's default 200. */
  adcGain: number;
  /** Digital value of physical zero: the value in parentheses after the gain, else `adcZero`. */
  baseline: number;
  units: string;
  adcRes: number;
  adcZero: number;
  /** First sample value as declared (defaults to `adcZero`); format 8 decodes its differences from it. */
  initValue: number;
  /** Declared 16-bit checksum of all samples, or null when absent. */
  checksum: number | null;
  blockSize: number;
  /** Signal name (the description field), `''` when absent. */
  description: string;
  /** 1-based line of the header the signal was declared on (for error messages). */
  line: number;
}

/** One segment of a multi-segment record. */
export interface WfdbSegmentSpec {
  /** Segment record name (relative to the header's folder), or `~` for a gap. */
  name: string;
  /** Length in frames (0 for a variable-layout record's layout segment). */
  length: number;
}

export interface WfdbHeader {
  /** The header file it was parsed from (for error messages). */
  file: string;
  /** Record name from the record line (a Challenge-style trailing `.mat` is dropped). */
  recordName: string;
  nSig: number;
  /** Frame rate in Hz (WFDB default 250 when omitted). */
  fs: number;
  counterFreq: number | null;
  baseCounter: number | null;
  /** Frames per signal, or null when the header omits it (the reader then derives it from the file size). */
  sigLen: number | null;
  /** `HH:MM:SS` or `HH:MM:SS.sss`, or null. */
  baseTime: string | null;
  /** ISO `YYYY-MM-DD`, or null. */
  baseDate: string | null;
  signals: WfdbSignalSpec[];
  /** Segments for a multi-segment record, else null. */
  segments: WfdbSegmentSpec[] | null;
  /** Comment lines without the leading `#` and surrounding blanks. */
  comments: string[];
  /**
   * Departures from header(5) that wfdb-python reads through and that were read leniently (each
   * `header line N: what was ignored`); empty for a clean header. With `strict` they are errors instead.
   */
  warnings: string[];
}

/** How strictly to parse a header. */
export interface HeaderOptions {
  /**
   * Refuse the quirks that wfdb-python tolerates (tokens on the record line that are neither a base
   * time nor a base date) instead of ignoring them with a warning. Default false.
   */
  strict?: boolean | undefined;
}

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
/** Largest sampling rate accepted (1 MHz): anything above is a corrupt header, not a recording. */
export const MAX_FS = 1e6;
/**
 * Smallest sampling rate accepted: one sample per 10^6 s (11.6 days). Real trend records go down to
 * one sample a minute (1/60 Hz); below this, durations overflow into nonsense.
 */
export const MIN_FS = 1e-6;
/**
 * ADC gains accepted besides 0 ("uncalibrated"), in ADC units per physical unit. Real headers use 1 to
 * about 4·10^4; a denormal or astronomically large gain turns every sample into ±Infinity or 0.
 */
export const GAIN_RANGE: readonly [number, number] = [1e-6, 1e12];
/** Largest ADC resolution accepted (bits): WFDB's widest sample format, 32, holds at most 32 bits. */
export const MAX_ADC_RES = 32;
/** Largest header accepted (bytes); real headers are a few kB. */
const MAX_HEADER_BYTES = 1 << 20;
/** Largest number of signals or segments accepted. */
const MAX_COUNT = 100_000;

/**
 * Parse the text of a `.hea` file. `file` names it in error messages.
 *
 * As wfdb-python's `rdheader` (and the WFDB library), a `#` after the fields of a record or signal
 * line starts a comment that runs to the end of the line; it joins `comments`.
 */
export function parseHeader(text: string, file: string, opts: HeaderOptions = {}): WfdbHeader {
  const fail = (line: number, reason: string): never => {
    throw new FewbeatError(reason, { file, location: `header line ${line}` });
  };
  const warnings: string[] = [];
  const comments: string[] = [];
  const content: Array<{ text: string; line: number }> = [];
  const lines = text.split(/\r?\n|\r/);
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i] as string;
    const trimmed = raw.trim();
    if (trimmed === '') continue;
    const hash = trimmed.indexOf('#');
    if (hash >= 0) comments.push(trimmed.slice(hash).replace(/^#+/, '').trim());
    if (hash === 0) continue;
    content.push({ text: hash > 0 ? trimmed.slice(0, hash).trimEnd() : trimmed, line: i + 1 });
  }
  const recordLine = content[0];
  if (!recordLine) throw new FewbeatError('header has no record line', { file });
  const quirk = (reason: string): void => {
    if (opts.strict) fail(recordLine.line, reason);
    warnings.push(`header line ${recordLine.line}: ${reason}; ignored`);
  };
  const rec = parseRecordLine(recordLine.text, (reason) => fail(recordLine.line, reason), quirk);

  const body = content.slice(1);
  let signals: WfdbSignalSpec[] = [];
  let segments: WfdbSegmentSpec[] | null = null;
  if (rec.nSeg !== null) {
    if (body.length !== rec.nSeg) {
      fail(recordLine.line, `record line declares ${rec.nSeg} segments but ${body.length} segment lines follow`);
    }
    segments = body.map(({ text: t, line }) => parseSegmentLine(t, (reason) => fail(line, reason)));
  } else {
    if (body.length !== rec.nSig) {
      fail(recordLine.line, `record line declares ${rec.nSig} signals but ${body.length} signal lines follow`);
    }
    signals = body.map(({ text: t, line }) => parseSignalLine(t, line, (reason) => fail(line, reason)));
    for (const s of signals) if (rec.sigLen !== null) checkSkew(s.skew, rec.sigLen, (reason) => fail(s.line, reason));
  }
  return {
    file,
    recordName: rec.name,
    nSig: rec.nSig,
    fs: rec.fs,
    counterFreq: rec.counterFreq,
    baseCounter: rec.baseCounter,
    sigLen: rec.sigLen,
    baseTime: rec.baseTime,
    baseDate: rec.baseDate,
    signals,
    segments,
    comments,
    warnings,
  };
}

/**
 * Read and parse `<recordPath>.hea`. `recordPath` is the record's path without extension, as in
 * WFDB (`data/mitdb/100`).
 */
export function readHeader(recordPath: string, opts: HeaderOptions = {}): WfdbHeader {
  const file = `${recordPath}.hea`;
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (e) {
    throw new FewbeatError(`cannot read header: ${(e as NodeJS.ErrnoException).code ?? String(e)}`, { file, cause: e });
  }
  if (bytes.length > MAX_HEADER_BYTES)
    throw new FewbeatError(`header is ${bytes.length} bytes, more than a WFDB header can be`, { file });
  assertText(bytes, file);
  return parseHeader(bytes.toString('latin1'), file, opts);
}

/** The fields of the record line (the header's first line). */
interface RecordLine extends Pick<
  WfdbHeader,
  'nSig' | 'fs' | 'counterFreq' | 'baseCounter' | 'sigLen' | 'baseTime' | 'baseDate'
> {
  name: string;
  nSeg: number | null;
}

function parseRecordLine(text: string, fail: (reason: string) => never, quirk: (reason: string) => void): RecordLine {
  const tokens = text.split(/\s+/);
  const [nameTok, nSigTok, fsTok, sigLenTok, ...timeTokens] = tokens as [string, ...Array<string | undefined>];
  const nameMatch = /^([^/\s]+?)(?:\/(\S+))?$/.exec(nameTok);
  if (!nameMatch) fail(`record name '${nameTok}' is not a WFDB record name`);
  const name = (nameMatch as RegExpExecArray)[1] as string;
  const nSegTok = (nameMatch as RegExpExecArray)[2];
  const nSeg = nSegTok === undefined ? null : parseCount(nSegTok, 'number of segments', fail);
  if (nSigTok === undefined) fail('record line has no number of signals');
  const nSig = parseCount(nSigTok as string, 'number of signals', fail);

  let fs = 250;
  let counterFreq: number | null = null;
  let baseCounter: number | null = null;
  if (fsTok !== undefined) {
    const m = /^([^/()]+)(?:\/([^()]+)(?:\(([^()]+)\))?)?$/.exec(fsTok);
    if (!m) fail(`sampling frequency '${fsTok}' is not 'fs[/counter_freq[(base_counter)]]'`);
    fs = parseNumber((m as RegExpExecArray)[1] as string, 'sampling frequency', fail);
    if (!(fs >= MIN_FS && fs <= MAX_FS)) fail(`sampling frequency ${fs} Hz is not in [${MIN_FS}, ${MAX_FS}]`);
    const cf = (m as RegExpExecArray)[2];
    const bc = (m as RegExpExecArray)[3];
    if (cf !== undefined) {
      counterFreq = parseNumber(cf, 'counter frequency', fail);
      if (!(counterFreq > 0)) fail(`counter frequency ${counterFreq} is not positive`);
    }
    if (bc !== undefined) baseCounter = parseNumber(bc, 'base counter value', fail);
  }
  const sigLen = sigLenTok === undefined ? null : parseCount(sigLenTok, 'signal length', fail, Number.MAX_SAFE_INTEGER);
  const { baseTime, baseDate } = parseBaseTimeAndDate(
    timeTokens.filter((t): t is string => t !== undefined),
    fail,
    quirk,
  );
  // Challenge 2020 headers name the data file (`E00009.mat`) instead of the record on this line.
  return {
    name: name.replace(/\.(mat|hea)$/i, ''),
    nSeg,
    nSig,
    fs,
    counterFreq,
    baseCounter,
    sigLen,
    baseTime,
    baseDate,
  };
}

/**
 * Base time `HH:MM:SS[.sss]` (or `MM:SS`) and base date `DD/MM/YYYY`, in WFDB order. Also accepts
 * the Challenge 2020 form `05-May-2020 14:50:55` (date first, month name), which real headers carry.
 * Any other token is a quirk: wfdb-python's record-line pattern stops before it and reads the rest.
 */
function parseBaseTimeAndDate(
  tokens: string[],
  fail: (reason: string) => never,
  quirk: (reason: string) => void,
): { baseTime: string | null; baseDate: string | null } {
  let baseTime: string | null = null;
  let baseDate: string | null = null;
  for (const tok of tokens) {
    const time = /^(?:(\d{1,2}):)?(\d{1,2}):(\d{1,2}(?:\.\d+)?)$/.exec(tok);
    const wfdbDate = /^(\d{1,2})\/(\d{1,2})\/(\d{1,4})$/.exec(tok);
    const namedDate = /^(\d{1,2})-([A-Za-z]{3})-(\d{4})$/.exec(tok);
    if (time && baseTime === null) {
      const [h, m, s] = [Number(time[1] ?? 0), Number(time[2]), Number(time[3])];
      if (h > 23 || m > 59 || s >= 61) fail(`base time '${tok}' is not a time of day`);
      const [whole, frac] = (time[3] as string).split('.');
      baseTime = `${pad2(h)}:${pad2(m)}:${pad2(Number(whole))}${frac ? `.${frac}` : ''}`;
    } else if ((wfdbDate || namedDate) && baseDate === null) {
      const day = Number((wfdbDate ?? namedDate)?.[1]);
      const month = wfdbDate
        ? Number(wfdbDate[2])
        : MONTHS.indexOf((namedDate as RegExpExecArray)[2]!.toLowerCase()) + 1;
      const year = Number((wfdbDate ?? namedDate)?.[3]);
      if (month < 1 || month > 12 || day < 1 || day > 31) fail(`base date '${tok}' is not a date`);
      baseDate = `${String(year).padStart(4, '0')}-${pad2(month)}-${pad2(day)}`;
    } else {
      quirk(`'${tok}' is neither a base time (HH:MM:SS) nor a base date (DD/MM/YYYY)`);
    }
  }
  return { baseTime, baseDate };
}

function parseSegmentLine(text: string, fail: (reason: string) => never): WfdbSegmentSpec {
  const tokens = text.split(/\s+/);
  if (tokens.length !== 2) fail(`segment line '${text}' is not 'name length'`);
  const name = tokens[0] as string;
  if (name !== '~' && !/^[\w.-]+$/.test(name)) fail(`segment name '${name}' is not a record name`);
  return { name, length: parseCount(tokens[1] as string, 'segment length', fail, Number.MAX_SAFE_INTEGER) };
}

function parseSignalLine(text: string, line: number, fail: (reason: string) => never): WfdbSignalSpec {
  // Eight whitespace-separated fields, then the description (which may contain spaces).
  const fields: string[] = [];
  let rest = text;
  while (fields.length < 8 && rest !== '') {
    const m = /^(\S+)\s*/.exec(rest) as RegExpExecArray;
    fields.push(m[1] as string);
    rest = rest.slice(m[0].length);
  }
  const [fileName, fmtTok, gainTok, resTok, zeroTok, initTok, sumTok, blockTok] = fields as [
    string,
    ...Array<string | undefined>,
  ];
  if (fmtTok === undefined) fail('signal line has no format field');
  const fm = /^(\d+)(?:x(\d+))?(?::(\d+))?(?:\+(\d+))?$/.exec(fmtTok as string);
  if (!fm) fail(`format field '${fmtTok}' is not 'fmt[xspf][:skew][+offset]'`);
  const fmt = String(Number((fm as RegExpExecArray)[1]));
  const sampsPerFrame = fm![2] === undefined ? 1 : parseCount(fm![2], 'samples per frame', fail, 1_000_000);
  if (sampsPerFrame < 1) fail('samples per frame must be at least 1');
  const skew = fm![3] === undefined ? 0 : parseCount(fm![3], 'skew', fail, 1 << 30);
  const byteOffset = fm![4] === undefined ? 0 : parseCount(fm![4], 'byte offset', fail, Number.MAX_SAFE_INTEGER);

  let adcGain = 200;
  let baselineTok: string | undefined;
  let units = 'mV';
  if (gainTok !== undefined) {
    const gm = /^([^()/]+)(?:\(([^()]*)\))?(?:\/(.*))?$/.exec(gainTok);
    if (!gm) fail(`gain field '${gainTok}' is not 'gain[(baseline)][/units]'`);
    adcGain = parseNumber(gm![1] as string, 'ADC gain', fail);
    if (adcGain < 0) fail(`ADC gain ${adcGain} is negative`);
    if (adcGain !== 0 && !(adcGain >= GAIN_RANGE[0] && adcGain <= GAIN_RANGE[1]))
      fail(`ADC gain ${adcGain} is neither 0 (uncalibrated) nor in [${GAIN_RANGE[0]}, ${GAIN_RANGE[1]}]`);
    baselineTok = gm![2];
    if (gm![3] !== undefined && gm![3] !== '') units = gm![3];
  }
  const adcRes = resTok === undefined ? defaultAdcRes(fmt) : parseInteger(resTok, 'ADC resolution', fail);
  if (adcRes < 0 || adcRes > MAX_ADC_RES) fail(`ADC resolution ${adcRes} bits is not in [0, ${MAX_ADC_RES}]`);
  const adcZero = zeroTok === undefined ? 0 : parseInteger(zeroTok, 'ADC zero', fail);
  const baseline = baselineTok === undefined ? adcZero : parseInteger(baselineTok, 'baseline', fail);
  const initValue = initTok === undefined ? adcZero : parseInteger(initTok, 'initial value', fail);
  const checksum = sumTok === undefined ? null : parseInteger(sumTok, 'checksum', fail);
  const blockSize = blockTok === undefined ? 0 : parseInteger(blockTok, 'block size', fail);
  return {
    fileName,
    fmt,
    sampsPerFrame,
    skew,
    byteOffset,
    adcGain,
    baseline,
    units,
    adcRes,
    adcZero,
    initValue,
    checksum,
    blockSize,
    description: rest.trim(),
    line,
  };
}

/**
 * A signal's skew must leave it some samples: a skew of `sigLen` frames or more shifts every sample
 * past the end of the record. Also checked by the reader when the header omits the length.
 */
export function checkSkew(skew: number, sigLen: number, fail: (reason: string) => never): void {
  if (skew > 0 && skew >= sigLen) fail(`skew ${skew} frames is not less than the signal length (${sigLen} frames)`);
}

/** WFDB's default ADC resolution (bits) for a format, used when the field is absent. */
function defaultAdcRes(fmt: string): number {
  switch (fmt) {
    case '212':
      return 12;
    case '310':
    case '311':
      return 10;
    case '80':
    case '508':
      return 8;
    case '24':
    case '524':
      return 24;
    case '32':
      return 32;
    default:
      return 16;
  }
}

function parseNumber(tok: string, what: string, fail: (reason: string) => never): number {
  const v = Number(tok);
  if (tok.trim() === '' || !Number.isFinite(v)) fail(`${what} '${tok}' is not a number`);
  return v;
}

function parseInteger(tok: string, what: string, fail: (reason: string) => never): number {
  if (!/^[-+]?\d+$/.test(tok)) fail(`${what} '${tok}' is not an integer`);
  const v = Number(tok);
  if (!Number.isSafeInteger(v)) fail(`${what} '${tok}' is out of range`);
  return v;
}

function parseCount(tok: string, what: string, fail: (reason: string) => never, max = MAX_COUNT): number {
  if (!/^\d+$/.test(tok)) fail(`${what} '${tok}' is not a non-negative integer`);
  const v = Number(tok);
  if (v > max) fail(`${what} ${tok} is larger than ${max}`);
  return v;
}

function pad2(n: number): string {
  return String(n).padStart(2, '0');
}
