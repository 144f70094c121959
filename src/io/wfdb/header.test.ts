import { describe, expect, it } from 'vitest';
import { realPath } from '../../test-utils/real-data.js';
import { parseHeader, readHeader } from './header.js';

const record = (rel: string): string => (realPath(`${rel}.hea`) as string).replace(/\.hea$/, '');

describe('WFDB headers', () => {
  it('parses a CRLF MIT-BIH header with its comments', () => {
    const h = readHeader(record('mitdb/200'));
    expect(h).toMatchObject({
      recordName: '200',
      nSig: 2,
      fs: 360,
      sigLen: 650000,
      segments: null,
      baseTime: null,
      baseDate: null,
    });
    expect(h.signals[0]).toMatchObject({
      fileName: '200.dat',
      fmt: '212',
      adcGain: 200,
      baseline: 1024,
      adcRes: 11,
      adcZero: 1024,
      initValue: 1094,
      checksum: 12838,
      description: 'MLII',
    });
    expect(h.comments[0]).toBe('64 M 1953 3655 x1');
  });

  it('reads the Challenge 2020 quirks: a record line naming the .mat file and a date with a month name', () => {
    const h = readHeader(record('challenge2020/E00009'));
    expect(h.recordName).toBe('E00009');
    expect(h.baseDate).toBe('2020-05-05');
    expect(h.baseTime).toBe('14:50:55');
    expect(h.signals[0]).toMatchObject({
      fileName: 'E00009.mat',
      fmt: '16',
      byteOffset: 24,
      adcGain: 4880,
      units: 'mV',
    });
    expect(h.comments).toContain('Dx: 428750005,39732003,427084000');
  });

  it('reads samples per frame, skew and byte offset from the format field', () => {
    const h = parseHeader('r 2 125 10\nr.dat 212x4:3+512 2963.77(-5)/mV\nr.dat 212\n', 'r.hea');
    expect(h.signals[0]).toMatchObject({
      fmt: '212',
      sampsPerFrame: 4,
      skew: 3,
      byteOffset: 512,
      adcGain: 2963.77,
      baseline: -5,
      units: 'mV',
    });
    expect(h.signals[1]).toMatchObject({
      sampsPerFrame: 1,
      skew: 0,
      byteOffset: 0,
      adcGain: 200,
      baseline: 0,
      units: 'mV',
      adcRes: 12,
      checksum: null,
      description: '',
    });
  });

  it('reads a counter frequency with base counter, a base time with milliseconds and a WFDB date', () => {
    const h = parseHeader('n 1 0.0166666666667/125(3) 72 10:44:18.529 04/05/2704\nn.dat 16\n', 'n.hea');
    expect(h).toMatchObject({
      fs: 0.0166666666667,
      counterFreq: 125,
      baseCounter: 3,
      sigLen: 72,
      baseTime: '10:44:18.529',
      baseDate: '2704-05-04',
    });
  });

  it('uses the WFDB defaults when the record line stops after the signal count', () => {
    expect(parseHeader('d 0\n', 'd.hea')).toMatchObject({ nSig: 0, fs: 250, sigLen: null, signals: [] });
  });

  it('reads a variable-layout multi-segment header with a gap', () => {
    const h = readHeader(record('wfdb-python-sample/multi-segment/s25047/s25047-2704-05-04-10-44'));
    expect(h.segments?.slice(0, 3)).toEqual([
      { name: '3234460_layout', length: 0 },
      { name: '~', length: 25740 },
      { name: '3234460_0001', length: 28637 },
    ]);
    expect(h.signals).toEqual([]);
  });

  it('keeps blanks inside a signal description', () => {
    expect(parseHeader('b 1\nb.d0 8 200/mV 12 0 -2047 -31143 0 sig 0, fmt 8\n', 'b.hea').signals[0]?.description).toBe(
      'sig 0, fmt 8',
    );
  });

  describe('reads the quirks wfdb-python reads (its rdheader patterns and read defaults)', () => {
    it('a # after the fields of a line starts a comment, as wfdb-python splits it off', () => {
      const h = parseHeader('q 1 360 10 # from a converter\r\nq.dat 16 200 16 0 5 0 0 ECG # lead I\r\n', 'q.hea');
      expect(h.sigLen).toBe(10);
      expect(h.signals[0]).toMatchObject({ description: 'ECG', checksum: 0 });
      expect(h.comments).toEqual(['from a converter', 'lead I']);
      expect(h.warnings).toEqual([]);
    });

    it('tabs and runs of blanks separate fields; baseline defaults to ADC zero, units to mV; gain 0 is kept', () => {
      const h = parseHeader('q\t1  250\t 10\nq.dat\t 212   0 12\t1024\n', 'q.hea');
      expect(h).toMatchObject({ fs: 250, sigLen: 10 });
      expect(h.signals[0]).toMatchObject({ adcGain: 0, baseline: 1024, adcZero: 1024, units: 'mV', checksum: null });
    });

    it('a record-line token that is neither a time nor a date is ignored with a warning, refused when strict', () => {
      const text = 'q 1 500 5000 10:00:00 01/02/2020 UTC\nq.dat 16\n';
      const h = parseHeader(text, 'q.hea');
      expect(h).toMatchObject({ baseTime: '10:00:00', baseDate: '2020-02-01', sigLen: 5000 });
      expect(h.warnings).toEqual([
        "header line 1: 'UTC' is neither a base time (HH:MM:SS) nor a base date (DD/MM/YYYY); ignored",
      ]);
      expect(() => parseHeader(text, 'q.hea', { strict: true })).toThrow(/q\.hea: header line 1: 'UTC' is neither/);
    });
  });
});
