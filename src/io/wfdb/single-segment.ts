import { dirname, isAbsolute, join, relative } from 'node:path';
import { FewbeatError } from '../../errors.js';
import { checksum16, checksumsAgree } from './checksum.js';
import { checkSkew, type WfdbHeader, type WfdbSignalSpec } from './header.js';
import { checkMatV4Container } from './matlab-v4.js';
import type { ReadOptions, WfdbChannel, WfdbRecord } from './record.js';
import type { SampleFormat } from './formats.js';
import { framesInFile, readFrames, signalFile, type SignalFile } from './signal-file.js';

/** WFDB's gain for signals whose header says 0 ("uncalibrated"). */
const DEFAULT_GAIN = 200;
/**
 * Most samples of one channel read at once (2^27: 1 GiB of float64, 24 h at 1.5 kHz); read longer records in ranges.
 */
export const MAX_SAMPLES_PER_READ = 2 ** 27;

/** Read a single-segment record whose header is already parsed (see `readRecord`). */
export function readSingleSegment(recordPath: string, header: WfdbHeader, opts: ReadOptions = {}): WfdbRecord {
  const folder = dirname(recordPath);
  const files = fileGroups(header, folder).map((g) =>
    signalFile(g.path, g.signals, header.file, opts.decoded?.get(g.path) ?? null),
  );
  const sigLen = header.sigLen ?? (files[0] ? framesInFile(files[0]) : 0);
  for (const s of header.signals)
    checkSkew(s.skew, sigLen, (reason) => {
      throw new FewbeatError(reason, { file: header.file, location: `header line ${s.line}` });
    });
  const { from, to, channels } = resolveRange(header, sigLen, opts);

  const warnings = header.warnings.map((w) => `${header.file}: ${w}`);
  const wanted = new Set(channels);
  const digitalBySignal = new Map<number, Int32Array>();
  let index = 0;
  for (const file of files) {
    const indices = file.signals.map(() => index++);
    if (!indices.some((i) => wanted.has(i))) continue;
    const maxSkew = Math.max(...file.signals.map((s) => s.skew));
    const end = Math.min(sigLen, to + maxSkew);
    if (file.path.toLowerCase().endsWith('.mat')) checkMatV4Container(file, sigLen);
    const stored = readFrames(file, from, Math.max(from, end));
    indices.forEach((i, k) => digitalBySignal.set(i, stored[k] as Int32Array));
    if (from === 0 && to === sigLen && opts.verifyChecksums !== false) {
      const mismatch = checksumMismatch(file.signals, stored);
      if (mismatch !== null && opts.strict) throw new FewbeatError(mismatch, { file: file.path });
      if (mismatch !== null) warnings.push(`${file.path}: ${mismatch}; read anyway`);
    }
  }

  const out: WfdbChannel[] = channels.map((i) => {
    const spec = header.signals[i] as WfdbSignalSpec;
    const stored = digitalBySignal.get(i) as Int32Array;
    const n = (to - from) * spec.sampsPerFrame;
    const format = (files.find((f) => f.signals.includes(spec)) as SignalFile).format;
    return {
      index: i,
      name: spec.description,
      units: spec.units,
      fmt: spec.fmt,
      adcGain: spec.adcGain,
      baseline: spec.baseline,
      sampsPerFrame: spec.sampsPerFrame,
      skew: spec.skew,
      fs: header.fs * spec.sampsPerFrame,
      digital: stored.subarray(0, n),
      physical: toPhysical(
        stored,
        spec.skew * spec.sampsPerFrame,
        n,
        spec.adcGain || DEFAULT_GAIN,
        spec.baseline,
        format,
      ),
    };
  });
  return { header, recordPath, fs: header.fs, sigLen, from, to, channels: out, warnings };
}

/**
 * The signals of one data file whose samples do not add up to their header checksum (modulo
 * 65536), described in one sentence, or null when all agree. A checksum field of 0 written by a
 * converter that did not compute it (as in some public single-lead sets) is such a mismatch.
 */
function checksumMismatch(signals: WfdbSignalSpec[], stored: Int32Array[]): string | null {
  const bad: Array<{ name: string; line: number; said: number; sum: number }> = [];
  signals.forEach((s, k) => {
    if (s.checksum === null) return;
    const sum = checksum16(stored[k] as Int32Array);
    if (!checksumsAgree(sum, s.checksum))
      bad.push({ name: s.description || String(k), line: s.line, said: s.checksum, sum });
  });
  if (bad.length === 0) return null;
  const why = 'the data file is corrupt or belongs to another record, or the header checksums were not computed';
  if (bad.length === 1) {
    const b = bad[0] as (typeof bad)[number];
    return (
      `checksum mismatch for signal ${b.name}: the header (line ${b.line}) ` +
      `says ${b.said}, the samples sum to ${b.sum} (mod 65536); ${why}`
    );
  }
  const declared = new Set(bad.map((b) => b.said));
  const said = declared.size === 1 ? `${bad[0]!.said} for each` : bad.map((b) => b.said).join(', ');
  return (
    `checksum mismatch for ${bad.length} signals ` +
    `(${bad.map((b) => b.name).join(', ')}): the header (lines ` +
    `${bad[0]!.line}-${bad[bad.length - 1]!.line}) says ${said}, the ` +
    `samples sum to ${bad.map((b) => b.sum).join(', ')} (mod 65536); ${why}`
  );
}

/**
 * Physical values of `n` samples starting `offset` samples into `stored`:
 * p[i] = (d[i + offset] − baseline) / gain, NaN where d is the format's invalid-sample sentinel or
 * past the end of `stored` (the last `skew` frames of a skewed signal).
 *
 * When the format's whole digital range is small next to `n` (format 212: 4096 values for 650 000
 * samples), the quotient is computed once per possible value and looked up: the same numbers,
 * without a division per sample.
 */
export function toPhysical(
  stored: Int32Array,
  offset: number,
  n: number,
  gain: number,
  baseline: number,
  format: SampleFormat,
): Float64Array {
  const out = new Float64Array(n);
  const avail = Math.max(0, Math.min(n, stored.length - offset));
  const range = format.max - format.min + 1;
  if (!format.differences && 2 * range <= avail) {
    const table = new Float64Array(range);
    for (let d = format.min; d <= format.max; d++) table[d - format.min] = (d - baseline) / gain;
    if (format.invalid !== null) table[format.invalid - format.min] = Number.NaN;
    const min = format.min;
    for (let i = 0; i < avail; i++) out[i] = table[stored[i + offset] - min];
  } else {
    const sentinel = format.invalid ?? Number.NaN; // NaN never equals a stored integer
    for (let i = 0; i < avail; i++) {
      const d = stored[i + offset];
      out[i] = d === sentinel ? Number.NaN : (d - baseline) / gain;
    }
  }
  out.fill(Number.NaN, avail);
  return out;
}

/**
 * `folder/name` for a file a header names (a signal file or a segment), refusing a name that
 * leads out of the record's folder (`../../etc/passwd`, an absolute path): a header must not make
 * fewbeat read files the user did not point it at. Sub-folders are allowed.
 */
export function fileInRecordFolder(folder: string, name: string, where: { file: string; location?: string }): string {
  const rel = relative(folder, join(folder, name));
  if (isAbsolute(name) || rel === '' || rel.startsWith('..') || isAbsolute(rel))
    throw new FewbeatError(`file name '${name}' points outside the record's folder`, where);
  return join(folder, name);
}

/** Signals sharing a data file are consecutive in the header; each run is one data file. */
export function fileGroups(header: WfdbHeader, folder: string): Array<{ path: string; signals: WfdbSignalSpec[] }> {
  const groups: Array<{ path: string; signals: WfdbSignalSpec[] }> = [];
  let run: WfdbSignalSpec[] = [];
  const flush = (): void => {
    if (run.length === 0) return;
    const name = (run[0] as WfdbSignalSpec).fileName;
    if (name === '~') {
      throw new FewbeatError('signal has no data file (~): only a multi-segment layout header may say so', {
        file: header.file,
        location: `header line ${(run[0] as WfdbSignalSpec).line}`,
      });
    }
    groups.push({
      path: fileInRecordFolder(folder, name, {
        file: header.file,
        location: `header line ${(run[0] as WfdbSignalSpec).line}`,
      }),
      signals: run,
    });
    run = [];
  };
  for (const s of header.signals) {
    if (run.length > 0 && (run[0] as WfdbSignalSpec).fileName !== s.fileName) flush();
    run.push(s);
  }
  flush();
  return groups;
}

/** Check and default the frame range and channel list of a read. */
export function resolveRange(
  header: WfdbHeader,
  sigLen: number,
  opts: ReadOptions,
): { from: number; to: number; channels: number[] } {
  const from = opts.from ?? 0;
  const to = opts.to ?? sigLen;
  if (!Number.isInteger(from) || !Number.isInteger(to) || from < 0 || to > sigLen || from > to) {
    throw new FewbeatError(`sample range [${from}, ${to}) is not inside the record's ${sigLen} frames`, {
      file: header.file,
    });
  }
  const channels = opts.channels ?? header.signals.map((_, i) => i);
  for (const c of channels) {
    if (!Number.isInteger(c) || c < 0 || c >= header.nSig) {
      throw new FewbeatError(`channel ${c} does not exist (the record has ${header.nSig} signals)`, {
        file: header.file,
      });
    }
    const n = (to - from) * (header.signals[c] as WfdbSignalSpec).sampsPerFrame;
    if (n > MAX_SAMPLES_PER_READ) {
      throw new FewbeatError(
        `reading ${n} samples of signal ${c} at once is more than ${MAX_SAMPLES_PER_READ}; read a sample range`,
        { file: header.file },
      );
    }
  }
  return { from, to, channels };
}
