import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { FewbeatError } from '../../errors.js';
import { bytesFor, flacFormat, sampleFormat, samplesIn, SUPPORTED_FORMATS, type SampleFormat } from './formats.js';
import type { WfdbSignalSpec } from './header.js';

/**
 * One WFDB data file and the signals stored in it. A file holds frames; a frame holds
 * `sampsPerFrame[k]` consecutive samples of each of its signals k, in header order:
 *
 *     frame t = [s0(t·spf0) … s0(t·spf0+spf0−1), s1(t·spf1) …, …]      (frameSize = Σ spf_k samples)
 */
export interface SignalFile {
  /** Absolute or relative path of the data file. */
  path: string;
  format: SampleFormat;
  byteOffset: number;
  signals: WfdbSignalSpec[];
  /** Samples per frame in this file, Σ spf_k. */
  frameSize: number;
  /** Every stored sample per signal, when the file was decoded whole beforehand (FLAC); else null. */
  decoded: Int32Array[] | null;
}

/**
 * Resolve a group of signal specs sharing one data file to its format, checking what can be
 * checked without reading. `decoded` holds the file's samples when it was decoded beforehand (FLAC).
 */
export function signalFile(path: string, signals: WfdbSignalSpec[], headerFile: string, decoded: Int32Array[] | null = null): SignalFile {
  const first = signals[0] as WfdbSignalSpec;
  const where = { file: headerFile, location: `header line ${first.line}` };
  const flac = flacFormat(first.fmt);
  if (flac && !decoded) {
    throw new FewbeatError(`unsupported format ${first.fmt} (FLAC) in the synchronous reader: read this record with readRecordAsync`, where);
  }
  const format = flac ?? sampleFormat(first.fmt);
  if (!format) throw new FewbeatError(`unknown signal format ${first.fmt}; supported: ${SUPPORTED_FORMATS.join(', ')}, 508, 516, 524 (FLAC)`, where);
  for (const s of signals) {
    if (s.fmt !== first.fmt) {
      throw new FewbeatError(`signals in ${first.fileName} mix formats ${first.fmt} and ${s.fmt}`, { file: headerFile, location: `header line ${s.line}` });
    }
  }
  const frameSize = signals.reduce((n, s) => n + s.sampsPerFrame, 0);
  return { path, format, byteOffset: first.byteOffset, signals, frameSize, decoded };
}

/** Whole frames the file holds after its byte offset (the signal length of a header that omits it). */
export function framesInFile(file: SignalFile): number {
  if (file.decoded) return Math.floor((file.decoded[0]?.length ?? 0) / ((file.signals[0] as WfdbSignalSpec).sampsPerFrame));
  const size = withFile(file.path, (fd) => fstatSync(fd).size);
  return Math.floor(samplesIn(file.format, Math.max(0, size - file.byteOffset)) / file.frameSize);
}

/**
 * Read the stored samples of frames [from, to) of every signal in the file, without decoding the
 * rest of the file: only the bytes of those frames are read (formats 212/310/311 from the start of
 * their packing group; format 8 stores differences and is therefore read from the first frame).
 *
 * @returns one Int32Array per signal, `(to − from)·spf_k` samples each, raw (no skew, no scaling).
 */
export function readFrames(file: SignalFile, from: number, to: number): Int32Array[] {
  if (file.decoded) return sliceDecoded(file, file.decoded, from, to);
  const { format, frameSize } = file;
  const firstFrame = format.differences ? 0 : from;
  let s0 = firstFrame * frameSize;
  s0 -= s0 % format.groupSamples;
  const s1 = to * frameSize;
  const byteStart = file.byteOffset + bytesFor(format, s0);
  const byteEnd = file.byteOffset + bytesFor(format, s1);
  const bytes = withFile(file.path, (fd) => {
    const size = fstatSync(fd).size;
    if (size < byteEnd) {
      const declared = Math.floor(samplesIn(format, Math.max(0, size - file.byteOffset)) / frameSize);
      throw new FewbeatError(`file is truncated: frame ${to - 1} needs ${byteEnd} bytes but the file has ${size} (${declared} whole frames)`,
        { file: file.path, location: `byte ${size}` });
    }
    const buf = Buffer.allocUnsafe(byteEnd - byteStart);
    let got = 0;
    while (got < buf.length) {
      const n = readSync(fd, buf, got, buf.length - got, byteStart + got);
      if (n === 0) throw new FewbeatError('file ended while reading', { file: file.path, location: `byte ${byteStart + got}` });
      got += n;
    }
    return buf;
  });
  const count = s1 - s0;
  const stored = new Int32Array(count);
  format.decode(bytes, count, stored);

  const skipSamples = from * frameSize - s0;
  const nFrames = to - from;
  const out = file.signals.map((s) => new Int32Array(nFrames * s.sampsPerFrame));
  if (format.differences) integrateDifferences(stored, file, count / frameSize);
  // De-interleave: signal k's samples sit at offset `col` within each frame.
  let col = 0;
  for (let k = 0; k < file.signals.length; k++) {
    const spf = (file.signals[k] as WfdbSignalSpec).sampsPerFrame;
    const dst = out[k] as Int32Array;
    if (spf === 1) {
      for (let t = 0, src = skipSamples + col; t < nFrames; t++, src += frameSize) dst[t] = stored[src];
    } else {
      for (let t = 0; t < nFrames; t++) {
        const src = skipSamples + t * frameSize + col;
        for (let j = 0; j < spf; j++) dst[t * spf + j] = stored[src + j];
      }
    }
    col += spf;
  }
  return out;
}

/** Frames [from, to) of a file decoded whole (one array per signal). */
function sliceDecoded(file: SignalFile, decoded: Int32Array[], from: number, to: number): Int32Array[] {
  return file.signals.map((s, k) => {
    const all = decoded[k] as Int32Array;
    if (all.length < to * s.sampsPerFrame) {
      throw new FewbeatError(`file is truncated: it holds ${Math.floor(all.length / s.sampsPerFrame)} frames, frame ${to - 1} was asked for`, { file: file.path });
    }
    return all.subarray(from * s.sampsPerFrame, to * s.sampsPerFrame);
  });
}

/** Format 8: turn stored first differences into samples, per signal, starting from its initial value. */
function integrateDifferences(stored: Int32Array, file: SignalFile, nFrames: number): void {
  let col = 0;
  for (const s of file.signals) {
    let x = s.initValue;
    for (let t = 0; t < nFrames; t++) {
      for (let j = 0; j < s.sampsPerFrame; j++) {
        const i = t * file.frameSize + col + j;
        x += stored[i];
        stored[i] = x;
      }
    }
    col += s.sampsPerFrame;
  }
}

function withFile<T>(path: string, use: (fd: number) => T): T {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (e) {
    throw new FewbeatError(`cannot open signal file: ${(e as NodeJS.ErrnoException).code ?? String(e)}`, { file: path, cause: e });
  }
  try {
    return use(fd);
  } finally {
    closeSync(fd);
  }
}
