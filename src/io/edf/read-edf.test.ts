import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FewbeatError } from '../../errors.js';
import { Rng } from '../../util/rng.js';
import { REPO_ROOT } from '../../test-utils/real-data.js';
import { edfToEcg, readEdf } from './read-edf.js';

/** Written and read back by EDFlib (libedf-dev 1.23), see test/fixtures/edf/make-fixtures.c. */
const DIR = join(REPO_ROOT, 'test/fixtures/edf');
interface Expected {
  filetype: number;
  datarecords: number;
  datarecord_duration_s: number;
  signals: Array<{
    label: string;
    units: string;
    samples: number;
    per_record: number;
    first: number[];
    last: number;
    sum: number;
  }>;
  annotations: Array<{ onset_s: number; duration_s: number | null; text: string }>;
}
const expected = JSON.parse(readFileSync(join(DIR, 'expected.json'), 'utf8')) as Record<string, Expected>;
const tmp = mkdtempSync(join(tmpdir(), 'fewbeat-edf-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe.each(Object.keys(expected))('readEdf on %s (written by EDFlib)', (name) => {
  const want = expected[name]!;
  const rec = readEdf(join(DIR, name));

  it('reads the header as EDFlib does', () => {
    expect(rec.header.variant).toBe(['EDF', 'EDF+', 'BDF', 'BDF+'][want.filetype]);
    expect(rec.header.records).toBe(want.datarecords);
    expect(rec.header.recordDuration).toBe(want.datarecord_duration_s);
    expect(rec.signals.map((s) => s.label)).toEqual(want.signals.map((s) => s.label.trim()));
    expect(rec.signals.map((s) => s.units)).toEqual(want.signals.map((s) => s.units.trim()));
    expect(rec.signals.map((s) => s.fs)).toEqual(want.signals.map((s) => s.per_record / want.datarecord_duration_s));
  });

  it('scales every sample to the physical values EDFlib reads', () => {
    rec.signals.forEach((s, k) => {
      const w = want.signals[k]!;
      expect(s.physical.length).toBe(w.samples);
      w.first.forEach((v, i) => expect(s.physical[i]).toBeCloseTo(v, 7));
      expect(s.physical[s.physical.length - 1]).toBeCloseTo(w.last, 7);
      expect(s.physical.reduce((a, b) => a + b, 0)).toBeCloseTo(w.sum, 5);
    });
  });

  it('reads the EDF+ annotations (onset, duration, UTF-8 text)', () => {
    expect(rec.annotations).toEqual(
      want.annotations.map((a) => ({ onsetS: a.onset_s, durationS: a.duration_s, text: a.text })),
    );
  });
});

describe('edfToEcg', () => {
  it('keeps the leads at the highest rate and leaves slower signals out', () => {
    const ecg = edfToEcg(readEdf(join(DIR, 'ecg-3lead-edfplus.edf')));
    expect(ecg).toMatchObject({ fs: 250, leads: ['I', 'II', 'V1'], units: ['uV', 'uV', 'uV'] });
    expect(ecg.signals.map((s) => s.length)).toEqual([1000, 1000, 1000]);
  });
});

/**
 * A classic EDF (no EDF+ annotation signal), built by hand: 1 signal "ECG", 2 records of 1 s at
 * 4 Hz, physical [-1, 1] mV over digital [-2048, 2047]. physical(d) = -1 + (d + 2048)·2/4095.
 */
function classicEdf(opts: { records?: string; samples?: number[] } = {}): Buffer {
  const pad = (s: string, n: number): string => s.padEnd(n, ' ').slice(0, n);
  const fixed =
    pad('0', 8) +
    pad('patient x', 80) +
    pad('rec y', 80) +
    pad('01.02.03', 8) +
    pad('04.05.06', 8) +
    pad('512', 8) +
    pad('', 44) +
    pad(opts.records ?? '2', 8) +
    pad('1', 8) +
    pad('1', 4);
  const sig =
    pad('ECG', 16) +
    pad('', 80) +
    pad('mV', 8) +
    pad('-1', 8) +
    pad('1', 8) +
    pad('-2048', 8) +
    pad('2047', 8) +
    pad('', 80) +
    pad('4', 8) +
    pad('', 32);
  const data = Buffer.alloc(16);
  (opts.samples ?? [-2048, 2047, 0, -1, 100, -100, 1000, -1000]).forEach((d, i) => data.writeInt16LE(d, i * 2));
  return Buffer.concat([Buffer.from(fixed + sig, 'latin1'), data]);
}

describe('readEdf on classic EDF and on bad input', () => {
  const write = (name: string, bytes: Uint8Array): string => {
    const p = join(tmp, name);
    writeFileSync(p, bytes);
    return p;
  };

  it('reads a hand-built classic EDF with hand-computed physical values', () => {
    const rec = readEdf(write('classic.edf', classicEdf()));
    expect(rec.header.variant).toBe('EDF');
    const phys = (d: number): number => -1 + ((d + 2048) * 2) / 4095;
    expect(Array.from(rec.signals[0]!.physical)).toEqual([-2048, 2047, 0, -1, 100, -100, 1000, -1000].map(phys));
    expect(rec.signals[0]!.physical[0]).toBe(-1);
    expect(rec.signals[0]!.physical[1]).toBe(1);
    expect(rec.annotations).toEqual([]);
  });

  it('places EDF+D records at their time stamps with NaN in the gaps', () => {
    const bytes = Buffer.from(readFileSync(join(DIR, 'ecg-3lead-edfplus.edf')));
    bytes.write('EDF+D', 192, 'latin1');
    const lastTal = bytes.indexOf('+3\x14\x14\x00', 0, 'latin1');
    bytes.write('+6', lastTal, 'latin1');
    const contiguous = readEdf(join(DIR, 'ecg-3lead-edfplus.edf'));
    const rec = readEdf(write('discontinuous.edf', bytes));
    expect(rec.header.discontinuous).toBe(true);
    const [c, d] = [contiguous.signals[0]!.physical, rec.signals[0]!.physical];
    expect(d.length).toBe(7 * 250);
    expect(Array.from(d.subarray(0, 750))).toEqual(Array.from(c.subarray(0, 750)));
    expect(d.subarray(750, 1500).every(Number.isNaN)).toBe(true);
    expect(Array.from(d.subarray(1500))).toEqual(Array.from(c.subarray(750)));
    expect(rec.signals[3]!.physical.length).toBe(7 * 25);
  });

  it('derives the record count from the file size when the header says -1', () => {
    expect(readEdf(write('unknown-count.edf', classicEdf({ records: '-1' }))).header.records).toBe(2);
  });

  it('names the file and the byte for a truncated file', () => {
    const p = write('truncated.edf', classicEdf().subarray(0, 520));
    expect(() => readEdf(p)).toThrow(FewbeatError);
    expect(() => readEdf(p)).toThrow(
      // eslint-disable-next-line max-len -- a regex literal cannot be split
      /truncated\.edf: header byte 236: truncated: header declares 2 data records of 8 bytes, the file holds 1 complete/,
    );
  });

  it('rejects a non-numeric header field, a file that is not EDF and a missing file', () => {
    const bad = classicEdf();
    bad.write('abc     ', 244, 'latin1');
    expect(() => readEdf(write('nonnumeric.edf', bad))).toThrow(
      /header byte 244: data record duration: expected a number, got 'abc'/,
    );
    expect(() => readEdf(write('text.edf', Buffer.from('hello'.repeat(100))))).toThrow(/not an EDF or BDF file/);
    expect(() => readEdf(join(tmp, 'absent.edf'))).toThrow(/absent\.edf: cannot read file \(ENOENT\)/);
  });

  it('ends every one of 1000 random mutations of real EDF+ files in a value or a FewbeatError', () => {
    const rng = new Rng(7);
    const sources = ['ecg-3lead-edfplus.edf', 'ecg-bdfplus.bdf'].map((n) => readFileSync(join(DIR, n)));
    for (let trial = 0; trial < 1000; trial++) {
      const src = sources[trial % sources.length]!;
      const bytes = Buffer.from(src);
      const edits = rng.int(1, 4);
      for (let e = 0; e < edits; e++)
        bytes[rng.int(0, (trial % 3 === 0 ? Math.min(bytes.length, 1200) : bytes.length) - 1)] = rng.int(0, 255);
      const cut = trial % 5 === 0 ? bytes.subarray(0, rng.int(0, bytes.length - 1)) : bytes;
      const p = write('fuzz.edf', cut);
      try {
        readEdf(p);
      } catch (e) {
        if (!(e instanceof FewbeatError)) throw new Error(`trial ${trial}: ${String(e)}`);
      }
    }
  });
});
