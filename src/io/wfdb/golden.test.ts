import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FewbeatError } from '../../errors.js';
import { FIXTURE_REAL, hasSharedReal, realPath, SHARED_REAL } from '../../test-utils/real-data.js';
import { readAnnotations } from './annotations.js';
import { checksum16, checksumsAgree } from './checksum.js';
import { readHeader } from './header.js';
import { frameAverage, readRecord, readRecordAsync } from './record.js';

/**
 * Golden check against the reference implementation: every record and annotation file of
 * `data/real/` as read by wfdb-python 4.3.1 (`expected.json`, conventions in its `_about` block).
 */
type Num = number | null;
interface ExpectedChannel {
  index: number;
  sig_name: string;
  units: string;
  n_samples: number;
  digital_first20?: number[];
  digital_last5?: number[];
  digital_sum?: number;
  checksum16_header?: number;
  physical_first20: Num[];
  physical_last5: Num[];
  physical_n_nan: number;
  frame_averaged_physical_first20?: Num[];
  first_valid_index?: number | null;
  first_valid20?: Num[];
  physical_nansum?: number;
}
interface ExpectedRecord {
  path: string;
  kind: 'single-segment' | 'multi-segment';
  record_name: string;
  n_sig: number;
  fs: number;
  counter_freq: number | null;
  base_counter: number | null;
  sig_len: number;
  base_time: string | null;
  base_date: string | null;
  comments: string[];
  record_line_nonstandard_tokens?: string[];
  file_name?: string[];
  fmt?: string[];
  samps_per_frame: number[];
  skew?: Num[];
  byte_offset?: Num[];
  adc_gain?: number[];
  baseline?: number[];
  units: string[];
  adc_res?: number[];
  adc_zero?: number[];
  init_value?: number[];
  checksum?: number[];
  block_size?: number[];
  sig_name: string[];
  files_sha256?: Record<string, string>;
  seg_name?: string[];
  seg_len?: number[];
  layout?: string;
  channels: ExpectedChannel[];
}
interface ExpectedAnnotations {
  record: string;
  extension: string;
  file: string;
  fs: number;
  count: number;
  first20: Array<[number, string]>;
  first20_aux_note: string[];
  last5: Array<[number, string]>;
  symbol_histogram: Record<string, number>;
  rhythm_histogram: Record<string, number>;
  aux_note_histogram: Record<string, number>;
  max_sample: number;
  nonzero_subtype: number;
  nonzero_chan: number;
  nonzero_num: number;
}

const expectedPath = realPath('expected.json');
const expected = expectedPath
  ? (JSON.parse(readFileSync(expectedPath, 'utf8')) as {
      records: ExpectedRecord[];
      annotations: ExpectedAnnotations[];
    })
  : { records: [], annotations: [] };

/** Where a record's files all are: the repository's fixtures, else the shared set, else null. */
function recordBase(rec: ExpectedRecord): string | null {
  const folder = dirname(rec.path);
  const files = rec.files_sha256 ? Object.keys(rec.files_sha256) : [`${rec.path.split('/').pop()}.hea`];
  for (const base of [FIXTURE_REAL, SHARED_REAL]) {
    if (files.every((f) => existsSync(join(base, folder, f)))) return join(base, rec.path);
  }
  return null;
}

/** Expected physical value (null = NaN) matches to 1e-6. */
function expectClose(actual: ArrayLike<number>, wanted: Num[], what: string): void {
  expect(actual.length, what).toBe(wanted.length);
  wanted.forEach((w, i) => {
    const a = actual[i] as number;
    if (w === null) expect(Number.isNaN(a), `${what}[${i}] is NaN`).toBe(true);
    else expect(Math.abs(a - w), `${what}[${i}] = ${a}, expected ${w}`).toBeLessThanOrEqual(1e-6);
  });
}

const countNaN = (x: Float64Array): number => x.reduce((n, v) => n + (Number.isNaN(v) ? 1 : 0), 0);
const FLAC = new Set(['508', '516', '524']);

describe('WFDB reader against wfdb-python (expected.json)', () => {
  it('finds the reference values', () => {
    expect(expected.records.length).toBe(104);
    expect(expected.annotations.length).toBe(34);
  });

  it.skipIf(!hasSharedReal)('finds every referenced file when the shared set is present', () => {
    expect(expected.records.filter((r) => recordBase(r) === null).map((r) => r.path)).toEqual([]);
    expect(expected.annotations.filter((a) => realPath(a.file) === null).map((a) => a.file)).toEqual([]);
  });

  for (const rec of expected.records) {
    const base = recordBase(rec);
    it.skipIf(base === null)(`reads ${rec.path} as wfdb-python does`, async () => {
      const recordPath = base as string;
      const h = readHeader(recordPath);
      expect(h.recordName).toBe(rec.record_name);
      expect(h.nSig).toBe(rec.n_sig);
      expect(h.fs).toBeCloseTo(rec.fs, 9);
      expect(h.counterFreq).toBe(rec.counter_freq);
      expect(h.baseCounter).toBe(rec.base_counter);
      expect(h.comments).toEqual(rec.comments);
      if (!rec.record_line_nonstandard_tokens) {
        expect(h.baseDate).toBe(rec.base_date);
        expect(
          h.baseTime === null ? null : h.baseTime.replace(/\.(\d+)$/, (_, f: string) => `.${f.padEnd(6, '0')}`),
        ).toBe(rec.base_time);
      }
      if (rec.kind === 'single-segment') {
        const s = h.signals;
        expect(s.map((x) => x.fileName)).toEqual(rec.file_name);
        expect(s.map((x) => x.fmt)).toEqual(rec.fmt);
        expect(s.map((x) => x.sampsPerFrame)).toEqual(rec.samps_per_frame);
        expect(s.map((x) => x.skew)).toEqual(rec.skew?.map((v) => v ?? 0));
        expect(s.map((x) => x.byteOffset)).toEqual(rec.byte_offset?.map((v) => v ?? 0));
        expect(s.map((x) => x.adcGain)).toEqual(rec.adc_gain);
        expect(s.map((x) => x.baseline)).toEqual(rec.baseline);
        expect(s.map((x) => x.units)).toEqual(rec.units);
        expect(s.map((x) => x.adcRes)).toEqual(rec.adc_res);
        expect(s.map((x) => x.adcZero)).toEqual(rec.adc_zero);
        expect(s.map((x) => x.initValue)).toEqual(rec.init_value);
        expect(s.map((x) => x.checksum)).toEqual(rec.checksum);
        expect(s.map((x) => x.blockSize)).toEqual(rec.block_size);
        expect(s.map((x) => x.description)).toEqual(rec.sig_name);
      } else {
        expect(h.segments?.map((x) => x.name)).toEqual(rec.seg_name);
        expect(h.segments?.map((x) => x.length)).toEqual(rec.seg_len);
      }

      const flac = rec.fmt?.some((f) => FLAC.has(f)) ?? false;
      if (flac) {
        expect(() => readRecord(recordPath)).toThrow(
          /unsupported format 5(08|16|24) \(FLAC\) in the synchronous reader: read this record with readRecordAsync/,
        );
        expect(() => readRecord(recordPath)).toThrow(FewbeatError);
      }
      const r = flac ? await readRecordAsync(recordPath) : readRecord(recordPath);
      expect(r.sigLen).toBe(rec.sig_len);
      expect(r.channels.map((c) => c.name)).toEqual(rec.sig_name);
      expect(r.channels.map((c) => c.units)).toEqual(rec.units);
      expect(r.channels.map((c) => c.sampsPerFrame)).toEqual(rec.samps_per_frame);
      for (const want of rec.channels) {
        const c = r.channels[want.index];
        if (!c) throw new Error(`channel ${want.index} missing`);
        const what = `${rec.path} channel ${want.index}`;
        expect(c.physical.length, what).toBe(want.n_samples);
        expectClose(c.physical.subarray(0, 20), want.physical_first20, `${what} physical_first20`);
        expectClose(
          c.physical.subarray(Math.max(0, c.physical.length - 5)),
          want.physical_last5,
          `${what} physical_last5`,
        );
        expect(countNaN(c.physical), `${what} NaN count`).toBe(want.physical_n_nan);
        if (want.digital_sum !== undefined) {
          const d = c.digital as Int32Array;
          expect(Array.from(d.subarray(0, 20)), what).toEqual(want.digital_first20);
          expect(Array.from(d.subarray(Math.max(0, d.length - 5))), what).toEqual(want.digital_last5);
          expect(
            d.reduce((a, v) => a + v, 0),
            `${what} digital sum`,
          ).toBe(want.digital_sum);
          expect(checksumsAgree(checksum16(d), want.checksum16_header as number), `${what} checksum`).toBe(true);
        }
        if (want.frame_averaged_physical_first20) {
          expectClose(
            frameAverage(c.physical, c.sampsPerFrame, c.adcGain, c.baseline).subarray(0, 20),
            want.frame_averaged_physical_first20,
            `${what} frame-averaged`,
          );
        }
        if (want.first_valid20) {
          const first = c.physical.findIndex((v) => !Number.isNaN(v));
          expect(first).toBe(want.first_valid_index);
          expectClose(c.physical.subarray(first, first + 20), want.first_valid20, `${what} first_valid20`);
          const nansum = c.physical.reduce((a, v) => (Number.isNaN(v) ? a : a + v), 0);
          expect(Math.abs(nansum - (want.physical_nansum as number))).toBeLessThan(1e-3);
        }
      }
    });
  }

  for (const ann of expected.annotations) {
    const file = realPath(ann.file);
    it.skipIf(file === null)(`reads annotations ${ann.file} as wfdb-python does`, () => {
      const recordPath = (file as string).replace(/\.[^./]+$/, '');
      const { fs, annotations: a } = readAnnotations(recordPath, ann.extension);
      expect(fs).toBe(ann.fs);
      expect(a.length).toBe(ann.count);
      expect(a.slice(0, 20).map((x) => [x.sample, x.symbol])).toEqual(ann.first20);
      expect(a.slice(0, 20).map((x) => x.auxNote)).toEqual(ann.first20_aux_note);
      expect(a.slice(-5).map((x) => [x.sample, x.symbol])).toEqual(ann.last5);
      const histogram = (items: string[]): Record<string, number> => {
        const h: Record<string, number> = {};
        for (const k of items) h[k] = (h[k] ?? 0) + 1;
        return h;
      };
      expect(histogram(a.map((x) => x.symbol))).toEqual(ann.symbol_histogram);
      expect(histogram(a.filter((x) => x.symbol === '+').map((x) => x.auxNote))).toEqual(ann.rhythm_histogram);
      expect(histogram(a.filter((x) => x.auxNote !== '').map((x) => x.auxNote))).toEqual(ann.aux_note_histogram);
      expect(Math.max(...a.map((x) => x.sample))).toBe(ann.max_sample);
      expect(a.filter((x) => x.subtype !== 0).length).toBe(ann.nonzero_subtype);
      expect(a.filter((x) => x.chan !== 0).length).toBe(ann.nonzero_chan);
      expect(a.filter((x) => x.num !== 0).length).toBe(ann.nonzero_num);
    });
  }
});
