import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FewbeatError } from '../../errors.js';
import { realPath } from '../../test-utils/real-data.js';
import { parseAnnotations, readAnnotations } from './annotations.js';
import { parseHeader } from './header.js';
import { readRecord, readRecordAsync } from './record.js';

const dir = mkdtempSync(join(tmpdir(), 'fewbeat-wfdb-bad-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const src = (rel: string): Buffer => readFileSync(realPath(rel) as string);

/** The error `fn` throws: it must be a FewbeatError. */
function errorOf(fn: () => unknown): FewbeatError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(FewbeatError);
    return e as FewbeatError;
  }
  throw new Error('expected a FewbeatError, but nothing was thrown');
}

/** Write a record `name` in the temp folder from a header text and data bytes. */
function record(name: string, header: string, data?: Uint8Array): string {
  const path = join(dir, name);
  writeFileSync(`${path}.hea`, header);
  if (data) writeFileSync(`${path}.dat`, data);
  return path;
}

describe('bad WFDB input gives one clear FewbeatError naming file, location and reason', () => {
  it('a truncated .dat', () => {
    const path = record(
      'trunc',
      'trunc 2 360 650000\ntrunc.dat 212 200 11 1024 0 0 0 MLII\ntrunc.dat 212 200 11 1024 0 0 0 V1\n',
      src('mitdb/200.dat').subarray(0, 1000),
    );
    const e = errorOf(() => readRecord(path));
    expect(e.file).toBe(`${path}.dat`);
    expect(e.message).toBe(
      `${path}.dat: byte 1000: file is truncated: frame 649999 needs ` +
        `1950000 bytes but the file has 1000 (333 whole frames)`,
    );
  });

  it('a data file whose samples do not match the header checksums (corrupt or swapped)', () => {
    const dat = Buffer.from(src('wfdb-python-sample/100_3chan.dat'));
    dat[300] = (dat[300] as number) ^ 0x10; // bit 4 of sample 200, i.e. frame 66 of signal III: its sum moves by 16
    const path = record(
      'flip',
      src('wfdb-python-sample/100_3chan.hea').toString('latin1').replaceAll('100_3chan', 'flip'),
      dat,
    );
    const mismatch =
      `^${path}\\.dat: checksum mismatch for signal III: the header ` +
      `\\(line 4\\) says 43172, the samples sum to -22348 \\(mod 65536\\)`;
    expect(errorOf(() => readRecord(path, { strict: true })).message).toMatch(new RegExp(mismatch));
    const warnings: string[] = [];
    const lenient = readRecord(path, { onWarning: (w) => warnings.push(w) });
    expect(lenient.channels.length).toBe(3); // read anyway, as wfdb-python and the WFDB library do
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(new RegExp(`${mismatch}.*; read anyway$`));
    expect(lenient.warnings).toHaveLength(1);
    expect(readRecord(path, { verifyChecksums: false }).channels.length).toBe(3);
    expect(readRecord(path, { from: 0, to: 10 }).channels.length).toBe(3); // a range read cannot check
  });

  it('a header whose signal count disagrees with its signal lines', () => {
    const e = errorOf(() =>
      parseHeader('r 3 360 100\nr.dat 16 200 16 0 0 0 0 I\nr.dat 16 200 16 0 0 0 0 II\n', 'r.hea'),
    );
    expect(e.message).toBe('r.hea: header line 1: record line declares 3 signals but 2 signal lines follow');
  });

  it('an unknown format, and a FLAC format fewbeat does not decode', () => {
    const unknown = record('unk', 'unk 1 100 10\nunk.dat 999 200 16 0 0 0 0 I\n', new Uint8Array(20));
    expect(errorOf(() => readRecord(unknown)).message).toBe(
      `${unknown}.hea: header line 2: unknown signal format 999; ` +
        `supported: 8, 16, 61, 80, 160, 212, 310, 311, 24, 32, 508, 516, 524 (FLAC)`,
    );
    const flac = record('flac', 'flac 1 100 10\nflac.dat 516 200 16 0 0 0 0 I\n', new Uint8Array(20));
    expect(errorOf(() => readRecord(flac)).message).toMatch(
      /flac\.hea: header line 2: unsupported format 516 \(FLAC\) in the synchronous reader/,
    );
  });

  it('a FLAC signal file that is not FLAC, is cut short, or disagrees with its header', async () => {
    const notFlac = record('notflac', 'notflac 1 100 10\nnotflac.dat 516 200 16 0 0 0 0 I\n', new Uint8Array(20));
    await expect(readRecordAsync(notFlac)).rejects.toThrow(
      `${notFlac}.dat: byte 0: not a FLAC stream (no 'fLaC' marker)`,
    );
    const flacBytes = src('wfdb-python-sample/flacformats.d1');
    const cut = record(
      'cutflac',
      'cutflac 1 200 499\ncutflac.dat 516 200/mV 16 0 0 0 0 x\n',
      flacBytes.subarray(0, 400),
    );
    await expect(readRecordAsync(cut)).rejects.toBeInstanceOf(FewbeatError);
    const twoSignals = record(
      'twoflac',
      'twoflac 2 200 499\ntwoflac.dat 516 200/mV\ntwoflac.dat 516 200/mV\n',
      flacBytes,
    );
    await expect(readRecordAsync(twoSignals)).rejects.toThrow(
      /FLAC stream has 1 channels, the header gives the file 2 signals/,
    );
    const wrongBits = record('bitsflac', 'bitsflac 1 200 499\nbitsflac.dat 524 200/mV\n', flacBytes);
    await expect(readRecordAsync(wrongBits)).rejects.toThrow(/FLAC stream has 16-bit samples, format 524 needs 24/);
  });

  it('a missing header, data or annotation file', () => {
    expect(errorOf(() => readRecord(join(dir, 'nothing'))).message).toBe(
      `${join(dir, 'nothing')}.hea: cannot read header: ENOENT`,
    );
    const noData = record('nodata', 'nodata 1 100 10\nnodata.dat 16 200 16 0 0 0 0 I\n');
    expect(errorOf(() => readRecord(noData)).message).toBe(`${noData}.dat: cannot open signal file: ENOENT`);
    expect(errorOf(() => readAnnotations(noData, 'atr')).message).toBe(
      `${noData}.atr: cannot read annotation file: ENOENT`,
    );
  });

  it('non-numeric fields', () => {
    expect(errorOf(() => parseHeader('r 1 360 abc\nr.dat 16\n', 'r.hea')).message).toBe(
      "r.hea: header line 1: signal length 'abc' is not a non-negative integer",
    );
    expect(errorOf(() => parseHeader('r x 360\n', 'r.hea')).message).toBe(
      "r.hea: header line 1: number of signals 'x' is not a non-negative integer",
    );
    expect(errorOf(() => parseHeader('r 1 360 10\n\nr.dat 16 gain/mV 16 0\n', 'r.hea')).message).toBe(
      "r.hea: header line 3: ADC gain 'gain' is not a number",
    );
    expect(errorOf(() => parseHeader('r 1 360 10\nr.dat 16 200 16 1.5\n', 'r.hea')).message).toBe(
      "r.hea: header line 2: ADC zero '1.5' is not an integer",
    );
    expect(errorOf(() => parseHeader('r 1 360 10\nr.dat 16x 200\n', 'r.hea')).message).toBe(
      "r.hea: header line 2: format field '16x' is not 'fmt[xspf][:skew][+offset]'",
    );
    expect(errorOf(() => parseHeader('r 1 360 10 noon\nr.dat 16\n', 'r.hea', { strict: true })).message).toBe(
      "r.hea: header line 1: 'noon' is neither a base time (HH:MM:SS) nor a base date (DD/MM/YYYY)",
    );
  });

  it('a negative, zero or absurd sampling rate', () => {
    expect(errorOf(() => parseHeader('r 1 -360 10\nr.dat 16\n', 'r.hea')).message).toBe(
      'r.hea: header line 1: sampling frequency -360 Hz is not in [0.000001, 1000000]',
    );
    expect(errorOf(() => parseHeader('r 1 1e-300 10\nr.dat 16\n', 'r.hea')).message).toMatch(
      /sampling frequency 1e-300 Hz is not in/,
    );
    expect(parseHeader('r 1 0.0166666666667 10\nr.dat 16\n', 'r.hea').fs).toBeCloseTo(1 / 60);
    expect(errorOf(() => parseHeader('r 1 0 10\nr.dat 16\n', 'r.hea')).message).toMatch(
      /sampling frequency 0 Hz is not in/,
    );
    expect(errorOf(() => parseHeader('r 1 1e12 10\nr.dat 16\n', 'r.hea')).message).toMatch(
      /sampling frequency 1000000000000 Hz is not in/,
    );
    expect(errorOf(() => parseHeader('r 1 NaN 10\nr.dat 16\n', 'r.hea')).message).toMatch(
      /sampling frequency 'NaN' is not a number/,
    );
  });

  it('a denormal or astronomical gain, an ADC resolution past 32 bits, a skew past the end of the record', () => {
    expect(errorOf(() => parseHeader('r 1 250 20\nr.dat 16 1e-320 16 0 0 0 0 I\n', 'r.hea')).message).toBe(
      'r.hea: header line 2: ADC gain 1e-320 is neither 0 (uncalibrated) nor in [0.000001, 1000000000000]',
    );
    expect(errorOf(() => parseHeader('r 1 250 20\nr.dat 16 1e15 16\n', 'r.hea')).message).toMatch(
      /ADC gain 1000000000000000 is neither/,
    );
    expect(parseHeader('r 1 250 20\nr.dat 16 0 16\n', 'r.hea').signals[0]?.adcGain).toBe(0);
    expect(errorOf(() => parseHeader('r 1 250 20\nr.dat 16 200 99\n', 'r.hea')).message).toBe(
      'r.hea: header line 2: ADC resolution 99 bits is not in [0, 32]',
    );
    expect(errorOf(() => parseHeader('r 1 250 20\nr.dat 16 200 -1\n', 'r.hea')).message).toMatch(
      /ADC resolution -1 bits/,
    );
    expect(errorOf(() => parseHeader('r 1 250 20\nr.dat 16:20 200\n', 'r.hea')).message).toBe(
      'r.hea: header line 2: skew 20 frames is not less than the signal length (20 frames)',
    );
    expect(parseHeader('r 1 250 20\nr.dat 16:19 200\n', 'r.hea').signals[0]?.skew).toBe(19);
  });

  it('an annotation file cut mid-record: inside a word, inside an AUX string, or before its end marker', () => {
    const atr = src('mitdb/200.atr');
    expect(errorOf(() => parseAnnotations(atr.subarray(0, 101), '200.atr')).message).toBe(
      '200.atr: byte 100: annotation file ends in the middle of a 16-bit word',
    );
    // 200.atr begins with a '+' annotation (2 bytes) followed by an AUX word announcing 3 bytes of "(B\0".
    expect(errorOf(() => parseAnnotations(atr.subarray(0, 5), '200.atr')).message).toBe(
      '200.atr: byte 2: annotation file ends inside a 3-byte AUX string',
    );
    expect(errorOf(() => parseAnnotations(atr.subarray(0, 1000), '200.atr')).message).toBe(
      '200.atr: byte 1000: annotation file ends without its end-of-file word (truncated?)',
    );
  });

  it('a header that is not text at all', () => {
    expect(errorOf(() => parseHeader('\u0000\u0001\u0002', 'bin.hea')).message).toMatch(/^bin\.hea: header line 1: /);
    expect(errorOf(() => parseHeader('   \n# only a comment\n', 'c.hea')).message).toBe(
      'c.hea: header has no record line',
    );
  });

  it('a sample range outside the record and a channel it does not have', () => {
    const path = (realPath('wfdb-python-sample/100_3chan.hea') as string).replace(/\.hea$/, '');
    expect(errorOf(() => readRecord(path, { from: 10, to: 5000 })).message).toMatch(
      /sample range \[10, 5000\) is not inside the record's 999 frames/,
    );
    expect(errorOf(() => readRecord(path, { channels: [3] })).message).toMatch(
      /channel 3 does not exist \(the record has 3 signals\)/,
    );
  });
});
