import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FewbeatError } from '../errors.js';
import { FIXTURE_CLINICAL } from '../test-utils/clinical-formats.js';
import { FIXTURE_REAL, REPO_ROOT, realPath } from '../test-utils/real-data.js';
import { loadCohortEcg, loadEcg, loadEcgAsync } from './load-ecg.js';

interface ExpectedChannel {
  sig_name: string;
  physical_first20: number[];
  physical_last5: number[];
}
const expected = JSON.parse(readFileSync(join(FIXTURE_REAL, 'expected.json'), 'utf8')) as {
  records: Array<{ path: string; fs: number; channels: ExpectedChannel[] }>;
};
const wfdbPython = (path: string): { fs: number; channels: ExpectedChannel[] } =>
  expected.records.find((r) => r.path === path)!;
const tmp = mkdtempSync(join(tmpdir(), 'fewbeat-load-ecg-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('loadEcg', () => {
  it('reads a Challenge .hea + .mat record as wfdb-python does', () => {
    const ecg = loadEcg(join(FIXTURE_REAL, 'challenge2020/Q0001'));
    const want = wfdbPython('challenge2020/Q0001');
    expect(ecg.fs).toBe(want.fs);
    expect(ecg.leads).toEqual(want.channels.map((c) => c.sig_name));
    want.channels.forEach((c, k) => c.physical_first20.forEach((v, i) => expect(ecg.signals[k]![i]).toBeCloseTo(v, 6)));
  });

  it('reads FLAC-compressed WFDB records asynchronously as wfdb-python does, windows included', async () => {
    const ref = wfdbPython('wfdb-python-sample/flacformats');
    const path = join(FIXTURE_REAL, 'wfdb-python-sample/flacformats');
    expect(() => loadEcg(path)).toThrow(/FLAC/);
    const whole = await loadEcgAsync(path);
    expect(whole.meta?.format).toBe('wfdb');
    ref.channels.forEach((c, i) =>
      c.physical_first20.forEach((v, k) => expect(whole.signals[i]?.[k]).toBeCloseTo(v, 6)),
    );
    // Samples 10 … 19: the window [0.05 s, 0.1 s) at 200 Hz.
    const part = await loadEcgAsync(path, { window: { startS: 0.05, endS: 0.1 } });
    expect(part.signals[0]).toHaveLength(10);
    ref.channels.forEach((c, i) =>
      c.physical_first20.slice(10).forEach((v, k) => expect(part.signals[i]?.[k]).toBeCloseTo(v, 6)),
    );
  });

  it('reads only the window of a long WFDB record, at the right samples', () => {
    const ecg = loadEcg(join(FIXTURE_REAL, 'mitdb/200'), { window: { startS: 0, endS: 10 } });
    const want = wfdbPython('mitdb/200');
    expect(ecg.signals[0]!.length).toBe(3600);
    want.channels[0]!.physical_first20.forEach((v, i) => expect(ecg.signals[0]![i]).toBeCloseTo(v, 6));
    const last = loadEcg(join(FIXTURE_REAL, 'mitdb/200'), { window: { startS: 1805.5, endS: 650000 / 360 } });
    expect(last.signals[0]!.length).toBe(650000 - Math.round(1805.5 * 360));
    want.channels[0]!.physical_last5.forEach((v, i) =>
      expect(last.signals[0]![last.signals[0]!.length - 5 + i]).toBeCloseTo(v, 6),
    );
  });

  it('loads a manifest row by its record path and window', () => {
    const full = loadEcg(join(FIXTURE_REAL, 'challenge2020/Q0001'));
    const part = loadCohortEcg({
      recordPath: join(FIXTURE_REAL, 'challenge2020/Q0001'),
      window: { startS: 2, endS: 3 },
    });
    expect(Array.from(part.signals[4]!)).toEqual(Array.from(full.signals[4]!.subarray(1000, 1500)));
  });

  it('dispatches to EDF and CSV readers by what exists, with or without the extension', () => {
    const edf = join(REPO_ROOT, 'test/fixtures/edf/ecg-3lead-edfplus');
    expect(loadEcg(edf)).toMatchObject({ fs: 250, leads: ['I', 'II', 'V1'] });
    expect(loadEcg(`${edf}.edf`, { window: { startS: 1, endS: 2 } }).signals[0]!.length).toBe(250);
    expect(loadEcg(join(REPO_ROOT, 'test/fixtures/edf/ecg-bdfplus'))).toMatchObject({ fs: 128, leads: ['II'] });
    const csv = loadEcg(join(REPO_ROOT, 'test/fixtures/csv/three-leads-200hz'), {
      window: { startS: 0.01, endS: 0.02 },
    });
    expect(Array.from(csv.signals[2]!)).toEqual([20, 30]);
  });

  it('gives a one-line FewbeatError for a missing record and a window outside the recording', () => {
    expect(() => loadEcg(join(tmp, 'nothing'))).toThrow(FewbeatError);
    expect(() => loadEcg(join(tmp, 'nothing'))).toThrow(/record not found/);
    expect(() => loadEcg(join(FIXTURE_REAL, 'challenge2020/Q0001'), { window: { startS: 9, endS: 11 } })).toThrow(
      FewbeatError,
    );
    expect(() =>
      loadEcg(join(REPO_ROOT, 'test/fixtures/edf/ecg-3lead-edfplus'), { window: { startS: 3, endS: 5 } }),
    ).toThrow(/not inside the recording's 4 s/);
  });

  it('finds DICOM and SCP-ECG from their content, named with, without or with a wrong extension', () => {
    const dicom = loadEcg(join(FIXTURE_CLINICAL, 'dicom/waveform_ecg'));
    expect(dicom).toMatchObject({ fs: 1000, meta: { format: 'dicom', ageYears: 42, sex: 'F' } });
    const scp = loadEcg(join(FIXTURE_CLINICAL, 'scp-ecg/ecgtoolkit-Example'), { window: { startS: 1, endS: 2 } });
    expect(scp).toMatchObject({ fs: 500, meta: { format: 'scp-ecg', sex: 'M' } });
    expect(scp.signals[0]!.length).toBe(500);
    const misnamed = join(tmp, 'ecg.edf');
    copyFileSync(join(FIXTURE_CLINICAL, 'scp-ecg/ecgtoolkit-Example.scp'), misnamed);
    expect(loadEcg(misnamed).meta?.format).toBe('scp-ecg');
  });

  it('reads a WFDB record named by its .hea or its data file, and marks every result with its format', () => {
    const byHeader = loadEcg(join(FIXTURE_REAL, 'challenge2020/Q0001.hea'));
    expect(byHeader.meta?.format).toBe('wfdb');
    expect(loadEcg(join(FIXTURE_REAL, 'challenge2020/Q0001.mat')).signals[0]).toEqual(byHeader.signals[0]);
    expect(loadEcg(join(REPO_ROOT, 'test/fixtures/csv/three-leads-200hz')).meta?.format).toBe('csv');
  });

  it('says a file of no known format is not an ECG file, and reads hospital XML exports by their content', () => {
    const junk = join(tmp, 'notes');
    writeFileSync(junk, 'not an ecg\n');
    expect(() => loadEcg(junk)).toThrow(/notes: not a recognised ECG file/);
    const xml = join(tmp, 'muse.xml');
    writeFileSync(xml, '<?xml version="1.0"?><RestingECG/>');
    expect(() => loadEcg(xml)).toThrow(/^muse\.xml: |\/muse\.xml: /);
    const philips = join(REPO_ROOT, 'test/fixtures/clinical-formats/philips-sierra/129DYPRG.XML');
    const copy = join(tmp, 'export-without-extension');
    writeFileSync(copy, readFileSync(philips));
    const ecg = loadEcg(copy);
    expect(ecg.leads).toHaveLength(12);
    expect(ecg.meta?.format).toBe('philips');
  });
});

const q0048 = realPath('challenge2020/Q0048.hea')?.replace(/\.hea$/, '') ?? null;

describe.skipIf(!q0048)(
  'loadEcg on a record whose header checksums are 0 (as eval, enroll and predict read it)',
  () => {
    const dir = join(tmp, 'zero-checksums');
    const record = join(dir, 'Q0048');
    const setUp = (): void => {
      mkdirSync(dir, { recursive: true });
      const lines = readFileSync(`${q0048!}.hea`, 'latin1').split('\n');
      const zeroed = lines.map((l, i) =>
        i === 0 || l.startsWith('#') || l === '' ? l : l.replace(/^((?:\S+ ){6})\S+/, '$10'),
      );
      writeFileSync(`${record}.hea`, zeroed.join('\n'), 'latin1');
      copyFileSync(`${q0048!}.mat`, `${record}.mat`);
    };

    it('reads the whole record with one warning, refuses it when strict, and reads a window without checking', () => {
      // file fmt gain adc_res adc_zero init checksum ...: the seventh field set to 0 on every signal line
      setUp();
      const warnings: string[] = [];
      const ecg = loadEcg(record, { onWarning: (w) => warnings.push(w) });
      expect(ecg.signals).toHaveLength(12);
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toMatch(/Q0048\.mat: checksum mismatch for 12 signals .* says 0 for each/);
      expect(() => loadEcg(record, { strict: true })).toThrow(/checksum mismatch for 12 signals/);
      // a window reads only its bytes: there is no whole-signal sum to compare
      expect(loadEcg(record, { window: { startS: 0, endS: 2 }, strict: true }).signals[0]).toHaveLength(1000);
      expect(Array.from(ecg.signals[0]!)).toEqual(Array.from(loadEcg(q0048!).signals[0]!));
    });
  },
);
