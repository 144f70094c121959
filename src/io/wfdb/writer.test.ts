import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Rng } from '../../util/rng.js';
import { checksum16 } from './checksum.js';
import { readHeader } from './header.js';
import { readRecord } from './record.js';
import { writeRecord } from './writer.js';

const dir = mkdtempSync(join(tmpdir(), 'fewbeat-wfdb-writer-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function randomSignals(seed: number, nSig: number, n: number, scale: number): Float64Array[] {
  const rng = new Rng(seed);
  return Array.from({ length: nSig }, () => Float64Array.from({ length: n }, () => rng.normal(0, scale)));
}

describe('the WFDB writer', () => {
  for (const fmt of ['16', '212'] as const) {
    it(`round-trips format ${fmt} to within half a quantisation step, with NaN kept as missing`, () => {
      const signals = randomSignals(fmt === '16' ? 1 : 2, 3, fmt === '212' ? 1001 : 1000, 1.5);
      (signals[1] as Float64Array)[10] = Number.NaN;
      const path = join(dir, `rt${fmt}`);
      writeRecord(path, {
        fs: 500,
        signals,
        names: ['I', 'II', 'V 1'],
        units: ['mV', 'mV', 'uV'],
        fmt,
        comments: ['Age: 7', 'Sex: F'],
      });
      const rec = readRecord(path);
      const h = readHeader(path);
      expect(rec.fs).toBe(500);
      expect(rec.sigLen).toBe(signals[0]?.length);
      expect(rec.channels.map((c) => c.name)).toEqual(['I', 'II', 'V 1']);
      expect(rec.channels.map((c) => c.units)).toEqual(['mV', 'mV', 'uV']);
      expect(h.comments).toEqual(['Age: 7', 'Sex: F']);
      rec.channels.forEach((c, k) => {
        const src = signals[k] as Float64Array;
        const step = 1 / c.adcGain;
        for (let i = 0; i < src.length; i++) {
          if (Number.isNaN(src[i])) expect(Number.isNaN(c.physical[i])).toBe(true);
          else expect(Math.abs(c.physical[i] - src[i])).toBeLessThanOrEqual(step / 2 + 1e-12);
        }
        const spec = h.signals[k];
        expect(spec?.checksum).toBe(checksum16(c.digital as Int32Array));
        expect(spec?.initValue).toBe(c.digital?.[0]);
      });
    });
  }

  it('writes format 16 little-endian and interleaved, with the header the WFDB manual describes', () => {
    const path = join(dir, 'tiny');
    writeRecord(path, {
      fs: 250,
      signals: [Float64Array.of(0.001, -0.002), Float64Array.of(1, 0)],
      names: ['a', 'b'],
      units: ['mV', 'mV'],
      fmt: '16',
      adcGain: [1000, 1000],
    });
    expect(Array.from(readFileSync(`${path}.dat`))).toEqual([1, 0, 0xe8, 0x03, 0xfe, 0xff, 0, 0]);
    expect(readFileSync(`${path}.hea`, 'utf8')).toBe(
      ['tiny 2 250 2', 'tiny.dat 16 1000(0)/mV 16 0 1 -1 0 a', 'tiny.dat 16 1000(0)/mV 16 0 1000 1000 0 b', ''].join(
        '\n',
      ),
    );
  });

  it('lowers the default gain when a signal would not fit the format', () => {
    const path = join(dir, 'big');
    writeRecord(path, { fs: 100, signals: [Float64Array.of(0, 50, -80)], names: ['x'], units: ['mV'], fmt: '212' });
    const rec = readRecord(path);
    const c = rec.channels[0];
    expect(c?.adcGain).toBeLessThan(200);
    expect(Math.abs((c?.physical[2] ?? 0) + 80)).toBeLessThanOrEqual(0.5 / (c?.adcGain ?? 1));
  });

  it('refuses values that overflow an explicit gain, naming the signal and sample', () => {
    expect(() =>
      writeRecord(join(dir, 'over'), {
        fs: 100,
        signals: [Float64Array.of(0, 100)],
        names: ['x'],
        units: ['mV'],
        fmt: '212',
        adcGain: [200],
      }),
    ).toThrow(/signal 0 sample 1: value 100 does not fit format 212/);
  });

  it('refuses mismatched lengths and a non-positive sampling rate', () => {
    const base = { names: ['a', 'b'], units: ['mV', 'mV'], fmt: '16' as const };
    expect(() =>
      writeRecord(join(dir, 'bad'), { ...base, fs: 100, signals: [new Float64Array(3), new Float64Array(4)] }),
    ).toThrow(/signal 1 has 4 samples/);
    expect(() =>
      writeRecord(join(dir, 'bad'), { ...base, fs: -1, signals: [new Float64Array(3), new Float64Array(3)] }),
    ).toThrow(/sampling frequency -1/);
  });
});
