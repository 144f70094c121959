import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { realPath } from '../../test-utils/real-data.js';
import { readEcg, readEcgAsync, readRecord } from './record.js';

const rec200 = (realPath('mitdb/200.hea') as string).replace(/\.hea$/, '');
const sample = (name: string): string => (realPath(`wfdb-python-sample/${name}.hea`) as string).replace(/\.hea$/, '');
const dir = mkdtempSync(join(tmpdir(), 'fewbeat-wfdb-record-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('reading a WFDB record', () => {
  const full = readRecord(rec200);

  it('reads a sample range, starting inside a format-212 pair, equal to the same slice of the full read', () => {
    const part = readRecord(rec200, { from: 12345, to: 20001 });
    expect(part.from).toBe(12345);
    part.channels.forEach((c, k) => {
      const whole = full.channels[k];
      expect(Array.from(c.digital as Int32Array)).toEqual(
        Array.from((whole?.digital as Int32Array).subarray(12345, 20001)),
      );
      expect(Array.from(c.physical)).toEqual(Array.from(whole?.physical.subarray(12345, 20001) ?? []));
    });
  });

  it('reads only the requested channels', () => {
    const part = readRecord(rec200, { from: 0, to: 10, channels: [1] });
    expect(part.channels.map((c) => c.name)).toEqual(['V1']);
    expect(Array.from(part.channels[0]?.digital ?? [])).toEqual(
      Array.from(full.channels[1]?.digital?.subarray(0, 10) ?? []),
    );
  });

  it('reads a range without the rest of the file: the first minute of a copy cut after it still reads', () => {
    const cut = join(dir, '200');
    writeFileSync(`${cut}.hea`, readFileSync(`${rec200}.hea`));
    writeFileSync(`${cut}.dat`, readFileSync(`${rec200}.dat`).subarray(0, 360 * 60 * 3));
    expect(readRecord(cut, { to: 360 * 60 }).channels[0]?.physical.length).toBe(360 * 60);
    expect(() => readRecord(cut)).toThrow(/200\.dat: byte 64800: file is truncated/);
  });

  it(
    'applies skew to physical values only: skewed values are the stored ' + 'ones 3 frames later, the last 3 missing',
    () => {
      const plain = readRecord(sample('100'), { to: 1000 });
      const skewed = readRecord(sample('100skew'), { to: 1000 });
      expect(Array.from(skewed.channels[1]?.digital ?? [])).toEqual(Array.from(plain.channels[1]?.digital ?? []));
      const p = skewed.channels[1]?.physical as Float64Array;
      for (let i = 0; i < 997; i++) expect(p[i]).toBe(plain.channels[1]?.physical[i + 3]);
      const whole = readRecord(sample('100skew'));
      expect(Array.from(whole.channels[1]?.physical.subarray(-3) ?? [])).toEqual([Number.NaN, Number.NaN, Number.NaN]);
    },
  );

  it('gives each channel of a multi-frequency record its own rate', () => {
    const r = readRecord(sample('03700181'), { from: 10, to: 20 });
    expect(r.channels.map((c) => c.fs)).toEqual([500, 125, 125]);
    expect(r.channels.map((c) => c.physical.length)).toEqual([40, 10, 10]);
  });

  it("reads an ECG at the channels' own rate when uniform, else as WFDB frame averages at the frame rate", () => {
    const ecg = readEcg(rec200, { to: 3600 });
    expect(ecg.fs).toBe(360);
    expect(ecg.leads).toEqual(['MLII', 'V1']);
    expect(ecg.signals[0]?.length).toBe(3600);
    const mixed = readEcg(sample('03700181'), { to: 100 });
    expect(mixed.fs).toBe(125);
    expect(mixed.signals.map((s) => s.length)).toEqual([100, 100, 100]);
    const fast = readEcg(sample('03700181'), { to: 100, channels: [0] });
    expect(fast.fs).toBe(500);
    expect(fast.signals[0]?.length).toBe(400);
  });

  it('reads a FLAC record as an ECG through the asynchronous reader', async () => {
    const ecg = await readEcgAsync(sample('mixedsignals'), { to: 100, channels: [0, 1, 2] });
    expect(ecg.fs).toBeCloseTo(249.89, 9);
    expect(ecg.leads).toEqual(['II', 'III', 'V']);
    expect(() => readEcg(sample('mixedsignals'))).toThrow(/unsupported format 516 \(FLAC\) in the synchronous reader/);
  });

  it('reads a header without signal length by measuring the data file', () => {
    expect(readRecord(sample('100-no-len'), { from: 649990 }).sigLen).toBe(650000);
  });

  it('reads a Challenge .mat record and checks its MATLAB v4 matrix header', () => {
    const mat = (realPath('challenge2020/Q0001.hea') as string).replace(/\.hea$/, '');
    const r = readRecord(mat);
    expect(r.channels.length).toBe(12);
    const bad = join(dir, 'Q0001');
    writeFileSync(`${bad}.hea`, readFileSync(`${mat}.hea`));
    const bytes = Buffer.from(readFileSync(`${mat}.mat`));
    bytes.writeInt32LE(11, 4); // rows
    writeFileSync(`${bad}.mat`, bytes);
    expect(() => readRecord(bad)).toThrow(/Q0001\.mat: byte 0: matrix 'val' is 11 x \d+, the header needs 12 x/);
  });

  it('reads fixed- and variable-layout multi-segment records with gaps as NaN', () => {
    const fixed = readRecord(sample('multi-segment/041s/041s'), { from: 990, to: 1010 });
    expect(fixed.channels.map((c) => c.physical.length)).toEqual([80, 80, 80, 20, 20, 20, 20]);
    expect(fixed.channels.every((c) => c.physical.every((v) => !Number.isNaN(v)))).toBe(true);
    const variable = readRecord(sample('multi-segment/s25047/s25047-2704-05-04-10-44'), { from: 25730, to: 25750 });
    expect(variable.channels.map((c) => c.name)).toEqual(['II', 'V', 'ABP']);
    const ii = variable.channels[0]?.physical as Float64Array;
    expect(ii.subarray(0, 10).every((v) => Number.isNaN(v))).toBe(true);
    expect(ii.subarray(10).every((v) => !Number.isNaN(v))).toBe(true);
  });

  it('names the data file it cannot find, resolved beside the header', () => {
    const copy = join(dir, 'x');
    copyFileSync(`${sample('100_3chan')}.hea`, `${copy}.hea`);
    expect(() => readRecord(copy)).toThrow(/100_3chan\.dat: cannot open signal file: ENOENT/);
  });
});
