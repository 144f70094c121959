import { FewbeatError } from '../../errors.js';
import type { Ecg } from '../ecg.js';
import { dirname } from 'node:path';
import { decodeFlacSignalFile } from './flac.js';
import { flacFormat } from './formats.js';
import { readHeader, type WfdbHeader } from './header.js';
import { readMultiSegment } from './multi-segment.js';
import { fileGroups, fileInRecordFolder, readSingleSegment } from './single-segment.js';

/** What part of a record to read. Frames are counted at the record's frame rate `fs`. */
export interface ReadOptions {
  /** First frame (inclusive), default 0. */
  from?: number | undefined;
  /** Last frame (exclusive), default the signal length. */
  to?: number | undefined;
  /** Signal indices to read (header order), default all. */
  channels?: number[] | undefined;
  /**
   * On a read of the whole record, compare each signal's 16-bit sample sum with the header's
   * checksum. A mismatch is a warning (the samples are returned, as wfdb-python and the WFDB
   * library do), or an error with `strict`. Default true.
   */
  verifyChecksums?: boolean | undefined;
  /**
   * Refuse what the lenient reader only warns about: checksum mismatches and the header quirks
   * wfdb-python reads through (see `HeaderOptions`). Default false.
   */
  strict?: boolean | undefined;
  /**
   * Called once per record read with one warning (`<file>: <what>; <file>: <what>`) when the record
   * has checksum mismatches or header quirks; they are also in `WfdbRecord.warnings`.
   */
  onWarning?: ((message: string) => void) | undefined;
  /** Data files decoded beforehand, by path (FLAC files; `readRecordAsync` fills this). */
  decoded?: ReadonlyMap<string, Int32Array[]> | undefined;
}

/** One signal of a record, at its own rate `fs = frame rate · sampsPerFrame`. */
export interface WfdbChannel {
  /** Index of the signal in the header. */
  index: number;
  /** Signal name (header description field), e.g. `MLII`. */
  name: string;
  units: string;
  fmt: string;
  adcGain: number;
  baseline: number;
  sampsPerFrame: number;
  skew: number;
  /** This channel's own sampling rate in Hz. */
  fs: number;
  /**
   * The stored samples of frames [from, to) exactly as in the file: `(to − from)·sampsPerFrame`
   * values, skew not applied, invalid-sample sentinels kept (this is what WFDB checksums sum).
   * Null for multi-segment records, whose segments may use different gains.
   */
  digital: Int32Array | null;
  /**
   * Physical values `(digital − baseline) / adcGain` for times [from, to), with skew applied
   * (value i is the stored sample of frame from + i + skew), NaN for invalid samples, for the last
   * `skew` frames of the record, and for gaps and absent signals of multi-segment records.
   */
  physical: Float64Array;
}

export interface WfdbRecord {
  header: WfdbHeader;
  /** Path without extension, as given. */
  recordPath: string;
  /** Frame rate in Hz (the record line's sampling frequency). */
  fs: number;
  /** Frames in the whole record (the header's, or derived from the data file size). */
  sigLen: number;
  /** The frame range that was read. */
  from: number;
  to: number;
  channels: WfdbChannel[];
  /** What was read leniently (header quirks, checksum mismatches), each naming its file; empty when clean. */
  warnings: string[];
}

/**
 * Read a WFDB record (single- or multi-segment) from `<recordPath>.hea` and its data files. Only
 * the bytes of the requested frame range are read from disk.
 */
export function readRecord(recordPath: string, opts: ReadOptions = {}): WfdbRecord {
  const header = readHeader(recordPath, { strict: opts.strict });
  const rec = header.segments
    ? readMultiSegment(recordPath, header, opts)
    : readSingleSegment(recordPath, header, opts);
  if (rec.warnings.length > 0) opts.onWarning?.(rec.warnings.join('; '));
  return rec;
}

/**
 * `readRecord` for every format, FLAC (508/516/524) included: FLAC data files of the record (and of
 * its segments) are decoded first, asynchronously, then read like any other.
 */
export async function readRecordAsync(recordPath: string, opts: ReadOptions = {}): Promise<WfdbRecord> {
  const header = readHeader(recordPath, { strict: opts.strict });
  const folder = dirname(recordPath);
  const headers = header.segments
    ? header.segments
        .filter((s) => s.name !== '~' && s.length > 0)
        .map((s) => readHeader(fileInRecordFolder(folder, s.name, { file: header.file })))
    : [header];
  const decoded = new Map(opts.decoded ?? []);
  for (const h of headers) {
    for (const group of fileGroups(h, folder)) {
      if (flacFormat((group.signals[0] as { fmt: string }).fmt) && !decoded.has(group.path)) {
        const declared =
          h.sigLen === null ? undefined : h.sigLen * (group.signals[0] as { sampsPerFrame: number }).sampsPerFrame;
        decoded.set(group.path, await decodeFlacSignalFile(group.path, group.signals, declared));
      }
    }
  }
  return readRecord(recordPath, { ...opts, decoded });
}

/**
 * A record as an `Ecg`: one sampling rate for all returned leads.
 *
 * - When every selected channel has the same samples per frame k, the leads are returned at their
 *   own rate `fs · k`, untouched.
 * - When they differ (multi-frequency records such as MIMIC), each lead is reduced to one value
 *   per frame (`frameAverage`, WFDB's default "smoothed frames" view, as `rdsamp` without `-H`),
 *   at the frame rate `fs`. Select channels to get a faster lead unreduced.
 */
export function readEcg(recordPath: string, opts: ReadOptions = {}): Ecg {
  return ecgFromRecord(readRecord(recordPath, opts));
}

/** `readEcg` for every format, FLAC included (see `readRecordAsync`). */
export async function readEcgAsync(recordPath: string, opts: ReadOptions = {}): Promise<Ecg> {
  return ecgFromRecord(await readRecordAsync(recordPath, opts));
}

/** The `Ecg` view of a record that was read (rules in `readEcg`). */
export function ecgFromRecord(rec: WfdbRecord): Ecg {
  if (rec.channels.length === 0) throw new FewbeatError('record has no signals to read', { file: rec.header.file });
  const spf = rec.channels.map((c) => c.sampsPerFrame);
  const uniform = spf.every((k) => k === spf[0]);
  return {
    fs: uniform ? rec.fs * (spf[0] as number) : rec.fs,
    leads: rec.channels.map((c) => c.name),
    units: rec.channels.map((c) => c.units),
    signals: rec.channels.map((c) =>
      uniform ? c.physical : frameAverage(c.physical, c.sampsPerFrame, c.adcGain, c.baseline),
    ),
    source: rec.recordPath,
  };
}

/**
 * WFDB's smoothed frames: one value per frame, the mean of the frame's `k` digital samples
 * truncated toward zero (as WFDB's `getframe` and wfdb-python's `smooth_frames` compute it),
 * converted back to physical units:
 *
 *     d_i = round(x_i · gain + baseline),   x̄[t] = (trunc((1/k) Σ_j d_{t·k+j}) − baseline) / gain
 *
 * A frame with any NaN sample is NaN.
 */
export function frameAverage(x: Float64Array, k: number, gain: number, baseline: number): Float64Array {
  if (k === 1) return x;
  const g = gain || 200;
  const n = Math.floor(x.length / k);
  const out = new Float64Array(n);
  for (let t = 0; t < n; t++) {
    let s = 0;
    for (let j = 0; j < k; j++) s += Math.round(x[t * k + j] * g + baseline);
    out[t] = (Math.trunc(s / k) - baseline) / g;
  }
  return out;
}
