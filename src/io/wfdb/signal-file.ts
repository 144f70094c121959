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
export function signalFile(
  path: string,
  signals: WfdbSignalSpec[],
  headerFile: string,
  decoded: Int32Array[] | null = null,
): SignalFile {
  const first = signals[0] as WfdbSignalSpec;
  const where = { file: headerFile, location: `header line ${first.line}` };
  const flac = flacFormat(first.fmt);
  if (flac && !decoded) {
    throw new FewbeatError(
      `unsupported format ${first.fmt} (FLAC) in the synchronous reader: read this record with readRecordAsync`,
      where,
    );
  }
  const format = flac ?? sampleFormat(first.fmt);
  if (!format)
    throw new FewbeatError(
      `unknown signal format ${first.fmt}; supported: ${SUPPORTED_FORMATS.join(', ')}, 508, 516, 524 (FLAC)`,
      where,
    );
  for (const s of signals) {
    if (s.fmt !== first.fmt) {
      throw new FewbeatError(`signals in ${first.fileName} mix formats ${first.fmt} and ${s.fmt}`, {
        file: headerFile,
        location: `header line ${s.line}`,
      });
    }
  }
  const frameSize = signals.reduce((n, s) => n + s.sampsPerFrame, 0);
  return { path, format, byteOffset: first.byteOffset, signals, frameSize, decoded };
}

/** Whole frames the file holds after its byte offset (the signal length of a header that omits it). */
export function framesInFile(file: SignalFile): number {
  if (file.decoded)
    return Math.floor((file.decoded[0]?.length ?? 0) / (file.signals[0] as WfdbSignalSpec).sampsPerFrame);
  const size = withFile(file.path, (fd) => fstatSync(fd).size);
  return Math.floor(samplesIn(file.format, Math.max(0, size - file.byteOffset)) / file.frameSize);
}

/** Samples decoded per step of `readFrames` (a multiple of every frame and packing-group size is used). */
const CHUNK_SAMPLES = 1 << 16;

/**
 * Read the stored samples of frames [from, to) of every signal in the file, without decoding the
 * rest of the file: only the bytes of those frames are read (formats 212/310/311 from the start of
 * their packing group; format 8 stores differences and is therefore read from the first frame).
 * Bytes are read and decoded in chunks of about 64 Ki samples straight into the per-signal
 * arrays, so a read needs little memory beyond its samples.
 *
 * @returns one Int32Array per signal, `(to − from)·spf_k` samples each, raw (no skew, no scaling).
 */
export function readFrames(file: SignalFile, from: number, to: number): Int32Array[] {
  if (file.decoded) return sliceDecoded(file, file.decoded, from, to);
  const { format, frameSize, signals } = file;
  let s0 = (format.differences ? 0 : from) * frameSize;
  s0 -= s0 % format.groupSamples;
  const s1 = to * frameSize;
  const byteEnd = file.byteOffset + bytesFor(format, s1);
  const out = signals.map((s) => new Int32Array((to - from) * s.sampsPerFrame));

  // Where each position of a frame goes: signal colSignal[c], sample colSub[c] of that signal's frame.
  const colSignal = new Int32Array(frameSize);
  const colSub = new Int32Array(frameSize);
  for (let k = 0, c = 0; k < signals.length; k++) {
    for (let j = 0; j < (signals[k] as WfdbSignalSpec).sampsPerFrame; j++, c++) {
      colSignal[c] = k;
      colSub[c] = j;
    }
  }
  const spfOf = Int32Array.from(signals, (s) => s.sampsPerFrame);
  const running = Float64Array.from(signals, (s) => s.initValue); // format 8 only
  const chunk =
    Math.max(1, Math.floor(CHUNK_SAMPLES / (frameSize * format.groupSamples))) * frameSize * format.groupSamples;
  const samples = new Int32Array(Math.min(chunk, s1 - s0));
  const bytes = Buffer.allocUnsafe(bytesFor(format, samples.length));
  const base = from * frameSize;

  withFile(file.path, (fd) => {
    const size = fstatSync(fd).size;
    if (size < byteEnd) {
      const whole = Math.floor(samplesIn(format, Math.max(0, size - file.byteOffset)) / frameSize);
      throw new FewbeatError(
        `file is truncated: frame ${to - 1} needs ${byteEnd} bytes but the file has ${size} (${whole} whole frames)`,
        { file: file.path, location: `byte ${size}` },
      );
    }
    for (let pos = s0; pos < s1;) {
      const n = Math.min(chunk, s1 - pos);
      const byteStart = file.byteOffset + bytesFor(format, pos);
      const byteCount = file.byteOffset + bytesFor(format, pos + n) - byteStart;
      for (let got = 0; got < byteCount;) {
        const r = readSync(fd, bytes, got, byteCount - got, byteStart + got);
        if (r === 0)
          throw new FewbeatError('file ended while reading', { file: file.path, location: `byte ${byteStart + got}` });
        got += r;
      }
      format.decode(bytes, n, samples);
      let rel = pos - base; // position of samples[0] relative to the first wanted sample
      if (format.differences) {
        for (let i = 0, c = (pos - s0) % frameSize; i < n; i++) {
          const k = colSignal[c];
          samples[i] = running[k] += samples[i];
          if (++c === frameSize) c = 0;
        }
      }
      let i = 0;
      if (rel < 0) {
        i = Math.min(n, -rel);
        rel += i;
      }
      let t = Math.floor(rel / frameSize);
      let c = rel - t * frameSize;
      if (frameSize === signals.length) {
        // Every signal has one sample per frame: the common case, kept branch-light.
        for (; i < n; i++) {
          (out[c] as Int32Array)[t] = samples[i];
          if (++c === frameSize) {
            c = 0;
            t++;
          }
        }
      } else {
        for (; i < n; i++) {
          const k = colSignal[c];
          (out[k] as Int32Array)[t * spfOf[k] + colSub[c]] = samples[i];
          if (++c === frameSize) {
            c = 0;
            t++;
          }
        }
      }
      pos += n;
    }
  });
  return out;
}

/** Frames [from, to) of a file decoded whole (one array per signal). */
function sliceDecoded(file: SignalFile, decoded: Int32Array[], from: number, to: number): Int32Array[] {
  return file.signals.map((s, k) => {
    const all = decoded[k] as Int32Array;
    if (all.length < to * s.sampsPerFrame) {
      throw new FewbeatError(
        `file is truncated: it holds ${Math.floor(all.length / s.sampsPerFrame)} frames, frame ${to - 1} was asked for`,
        { file: file.path },
      );
    }
    return all.subarray(from * s.sampsPerFrame, to * s.sampsPerFrame);
  });
}

function withFile<T>(path: string, use: (fd: number) => T): T {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (e) {
    throw new FewbeatError(`cannot open signal file: ${(e as NodeJS.ErrnoException).code ?? String(e)}`, {
      file: path,
      cause: e,
    });
  }
  try {
    return use(fd);
  } finally {
    closeSync(fd);
  }
}
