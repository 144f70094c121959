import { describe, expect, it } from 'vitest';
import { isFewbeatError } from '../../errors.js';
import { clinicalBytes } from '../../test-utils/clinical-formats.js';
import { Rng } from '../../util/rng.js';
import { readDicomEcg } from './read-dicom-ecg.js';

/**
 * Hostile DICOM input: truncations and random byte edits of the real files end in an Ecg or one FewbeatError line
 * naming the file, each within 1 s (a read normally takes under 20 ms).
 */
const FILES = ['dicom/waveform_ecg.dcm', 'dicom/ecgtoolkit-Example.dcm'];

function outcome(bytes: Uint8Array, name: string): 'ok' | 'error' {
  const t0 = performance.now();
  try {
    readDicomEcg(bytes, name);
    return 'ok';
  } catch (e) {
    if (!isFewbeatError(e)) throw new Error(`${name}: ${String(e)}`, { cause: e });
    expect(e.message.startsWith(name)).toBe(true);
    expect(e.message).not.toContain('\n');
    return 'error';
  } finally {
    expect(performance.now() - t0).toBeLessThan(1000);
  }
}

/** Byte offset of the first occurrence of a tag (group, element little endian) in the file. */
function tagOffset(bytes: Uint8Array, group: number, element: number): number {
  for (let i = 0; i + 4 <= bytes.length; i++)
    if (
      bytes[i] === (group & 0xff) &&
      bytes[i + 1] === group >> 8 &&
      bytes[i + 2] === (element & 0xff) &&
      bytes[i + 3] === element >> 8
    )
      return i;
  throw new Error('tag not found');
}

describe('readDicomEcg on hostile input', () => {
  for (const name of FILES) {
    const original = clinicalBytes(name);

    it(`refuses every truncation of ${name} with one line, or reads what is there`, () => {
      const rng = new Rng(7);
      const cuts = [0, 10, 131, 132, 200, ...Array.from({ length: 60 }, () => rng.int(0, original.length - 1))];
      for (const cut of cuts) outcome(original.slice(0, cut), `${name} cut at ${cut}`);
      expect(outcome(original.slice(0, 100), name)).toBe('error');
    });

    it(`survives 300 seeded random byte edits of ${name}`, () => {
      const rng = new Rng(11);
      const counts = { ok: 0, error: 0 };
      for (let trial = 0; trial < 300; trial++) {
        const bytes = original.slice();
        const edits = rng.int(1, 8);
        for (let k = 0; k < edits; k++) bytes[rng.int(0, bytes.length - 1)] = rng.int(0, 255);
        counts[outcome(bytes, `${name} trial ${trial}`)]++;
      }
      expect(counts.ok + counts.error).toBe(300);
    });
  }

  it('refuses a sample count larger than the waveform data before reading it', () => {
    const bytes = clinicalBytes('dicom/waveform_ecg.dcm').slice();
    const at = tagOffset(bytes, 0x003a, 0x0010); // Number of Waveform Samples (UL), explicit VR: value at +8
    new DataView(bytes.buffer).setUint32(at + 8, 0xffffffff, true);
    expect(() => readDicomEcg(bytes, 'huge.dcm')).toThrow(
      /huge\.dcm: .*Waveform Data holds \d+ bytes, 12 channels × 4294967295 samples/,
    );
  });

  it('refuses a file that is not DICOM with one line', () => {
    expect(() => readDicomEcg(new TextEncoder().encode('hello'), 'x.dcm')).toThrow(
      /^x\.dcm: not a readable DICOM file/,
    );
  });

  it('refuses sequences nested 50,000 deep and files over 32 MB with one line', () => {
    const pre = new Uint8Array(132);
    pre.set([0x44, 0x49, 0x43, 0x4d], 128);
    const ts = new TextEncoder().encode('1.2.840.10008.1.2.1\0');
    const meta = Uint8Array.from([0x02, 0x00, 0x10, 0x00, 0x55, 0x49, ts.length, 0, ...ts]);
    // (0040,A730) SQ of undefined length holding an item of undefined length, again and again
    const level = [
      0x40, 0x00, 0x30, 0xa7, 0x53, 0x51, 0, 0, 0xff, 0xff, 0xff, 0xff, 0xfe, 0xff, 0x00, 0xe0, 0xff, 0xff, 0xff, 0xff,
    ];
    const deep = new Uint8Array(132 + meta.length + 50_000 * level.length);
    deep.set(pre);
    deep.set(meta, 132);
    for (let i = 0; i < 50_000; i++) deep.set(level, 132 + meta.length + i * level.length);
    expect(outcome(deep, 'deep.dcm')).toBe('error');
    expect(() => readDicomEcg(new Uint8Array(33 * 1024 * 1024), 'big.dcm')).toThrow(
      /^big\.dcm: DICOM file of 34603008 bytes is larger than the 33554432 accepted/,
    );
  });
});
