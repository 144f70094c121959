import { describe, expect, it } from 'vitest';
import { bytesFor, sampleFormat, samplesIn, type SampleFormat } from './formats.js';

const fmt = (code: string): SampleFormat => sampleFormat(code) as SampleFormat;
const decode = (code: string, bytes: number[], n: number): number[] => {
  const out = new Int32Array(n);
  fmt(code).decode(Uint8Array.from(bytes), n, out);
  return Array.from(out);
};

describe('WFDB sample formats', () => {
  it('decodes format 212 pairs, with the high nibbles of the middle byte', () => {
    // s0 = 0x01 + (0x23 & 0x0F)·256 = 0x301; s1 = 0x45 + (0x23 & 0xF0)·16 = 0x245
    expect(decode('212', [0x01, 0x23, 0x45], 2)).toEqual([0x301, 0x245]);
    expect(decode('212', [0xff, 0xff, 0xff], 2)).toEqual([-1, -1]);
    expect(decode('212', [0x00, 0x08, 0x00], 2)).toEqual([-2048, 0]);
  });

  it('reads format 212 with an odd sample count from a 2-byte partial group', () => {
    expect(decode('212', [0x01, 0x23, 0x45, 0xfe, 0x0f], 3)).toEqual([0x301, 0x245, -2]);
    expect(bytesFor(fmt('212'), 3)).toBe(5);
    expect(samplesIn(fmt('212'), 5)).toBe(3);
  });

  it("decodes format 310: bits 1-10 of each word, the third sample from both words' top 5 bits", () => {
    // s0 = 5, s1 = -3 (0x3FD), s2 = 0x2A5 = 677 - 1024 = -347 -> low 5 bits 0x05 in w0, high 5 bits 0x15 in w1
    const w0 = (5 << 1) | (0x05 << 11);
    const w1 = (0x3fd << 1) | (0x15 << 11);
    expect(decode('310', [w0 & 0xff, w0 >> 8, w1 & 0xff, w1 >> 8], 3)).toEqual([5, -3, -347]);
  });

  it('decodes format 311: three 10-bit fields of one 32-bit word, including a partial last word', () => {
    const w = (1 | (0x3ff << 10) | (0x200 << 20)) >>> 0;
    const bytes = [w & 0xff, (w >>> 8) & 0xff, (w >>> 16) & 0xff, w >>> 24];
    expect(decode('311', bytes, 3)).toEqual([1, -1, -512]);
    expect(decode('311', [...bytes, 0x07, 0x00], 4)).toEqual([1, -1, -512, 7]);
    expect(bytesFor(fmt('311'), 5)).toBe(7);
    expect(bytesFor(fmt('310'), 5)).toBe(8);
    expect(samplesIn(fmt('311'), 1359)).toBe(1019);
    expect(samplesIn(fmt('310'), 1358)).toBe(1018);
  });

  it('decodes the byte-aligned formats 16, 61, 80, 160, 24 and 32', () => {
    expect(decode('16', [0xfe, 0xff, 0x34, 0x12], 2)).toEqual([-2, 0x1234]);
    expect(decode('61', [0xff, 0xfe, 0x12, 0x34], 2)).toEqual([-2, 0x1234]);
    expect(decode('80', [0, 128, 255], 3)).toEqual([-128, 0, 127]);
    expect(decode('160', [0, 0, 0, 0x80, 0xff, 0xff], 3)).toEqual([-32768, 0, 32767]);
    expect(decode('24', [0xff, 0xff, 0xff, 0x01, 0x02, 0x03], 2)).toEqual([-1, 0x030201]);
    expect(decode('32', [0, 0, 0, 0x80, 1, 2, 3, 4], 2)).toEqual([-2147483648, 0x04030201]);
  });

  it('leaves format 8 as signed differences for the reader to integrate', () => {
    expect(fmt('8').differences).toBe(true);
    expect(decode('8', [0x7f, 0x80, 0x00], 3)).toEqual([127, -128, 0]);
  });

  it('knows no format 999 and does not decode FLAC', () => {
    expect(sampleFormat('999')).toBeUndefined();
    expect(sampleFormat('516')).toBeUndefined();
    expect(sampleFormat('constructor')).toBeUndefined();
  });
});
