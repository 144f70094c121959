import { describe, expect, it } from 'vitest';
import { isFewbeatError } from '../../errors.js';
import { clinicalBytes } from '../../test-utils/clinical-formats.js';
import { Rng } from '../../util/rng.js';
import { crcCcitt } from './crc-ccitt.js';
import { readScpEcg } from './read-scp-ecg.js';
import { readSections } from './sections.js';

/**
 * Hostile SCP-ECG input: truncations, random byte edits (which the CRCs catch) and random edits with the CRCs
 * recomputed (which reach the decoders) end in an Ecg or one FewbeatError line naming the file, each within 1 s.
 */
const FILES = ['scp-ecg/ecgtoolkit-Example.scp', 'scp-ecg/welchallyn-ECG_20060620_112352_ANON000002.SCP'];

function outcome(bytes: Uint8Array, name: string): 'ok' | 'error' {
  const t0 = performance.now();
  try {
    readScpEcg(bytes, name);
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

/** Recompute every section CRC and the file CRC in place (sections as section 0 of the original lists them). */
function fixCrcs(bytes: Uint8Array, sections: Array<{ start: number; end: number }>): void {
  const dv = new DataView(bytes.buffer, bytes.byteOffset);
  for (const s of sections) dv.setUint16(s.start, crcCcitt(bytes, s.start + 2, s.end), true);
  dv.setUint16(0, crcCcitt(bytes, 2, bytes.length), true);
}

describe('readScpEcg on hostile input', () => {
  for (const name of FILES) {
    const original = clinicalBytes(name);
    const sections = [...readSections(original, name).values()].sort((a, b) => b.start - a.start);

    it(`refuses every truncation of ${name} with one line`, () => {
      const rng = new Rng(3);
      for (const cut of [0, 5, 21, 150, ...Array.from({ length: 40 }, () => rng.int(0, original.length - 1))])
        expect(outcome(original.slice(0, cut), `${name} cut at ${cut}`)).toBe('error');
    });

    it(`names the CRC mismatch of a flipped byte in ${name}`, () => {
      const bytes = original.slice();
      bytes[sections.find((s) => s.id === 6)!.body + 40]! ^= 0x10;
      expect(() => readScpEcg(bytes, 'flipped.scp')).toThrow(/^flipped\.scp: byte 0: file CRC mismatch/);
      fixCrcs(bytes, []);
      expect(() => readScpEcg(bytes, 'flipped.scp')).toThrow(
        /^flipped\.scp: section 6 at byte \d+: section CRC mismatch/,
      );
    });

    it(`survives 300 seeded random edits of ${name} with the CRCs made to match`, () => {
      const rng = new Rng(5);
      const counts = { ok: 0, error: 0 };
      for (let trial = 0; trial < 300; trial++) {
        const bytes = original.slice();
        const edits = rng.int(1, 6);
        for (let k = 0; k < edits; k++) bytes[rng.int(2, bytes.length - 1)] = rng.int(0, 255);
        fixCrcs(bytes, sections);
        counts[outcome(bytes, `${name} trial ${trial}`)]++;
      }
      expect(counts.ok).toBeGreaterThan(0);
      expect(counts.error).toBeGreaterThan(0);
    });
  }

  it('refuses huge declared lengths before allocating', () => {
    const original = clinicalBytes(FILES[0]!);
    const s = readSections(original, 'x');
    const ordered = [...s.values()].sort((a, b) => b.start - a.start);
    // section 3 declares lead I from sample 1 to 4,000,000,000
    const bytes = original.slice();
    new DataView(bytes.buffer).setUint32(s.get(3)!.body + 2 + 4, 4_000_000_000, true);
    fixCrcs(bytes, ordered);
    expect(() => readScpEcg(bytes, 'long.scp')).toThrow(
      /^long\.scp: section 3: lead I: sample range 1-4000000000 is impossible/,
    );
    // a pointer claims a section of 2 GB
    const pointer = original.slice();
    new DataView(pointer.buffer).setUint32(s.get(0)!.body + 6 * 10 + 2, 0x7fffffff, true);
    fixCrcs(pointer, ordered);
    expect(() => readScpEcg(pointer, 'pointer.scp')).toThrow(
      /^pointer\.scp: section 0 pointer at byte \d+: section 6: pointer .* lies outside the file/,
    );
    // the file claims 4 GB
    const length = original.slice();
    new DataView(length.buffer).setUint32(2, 0xffffffff, true);
    expect(() => readScpEcg(length, 'length.scp')).toThrow(
      /^length\.scp: byte 2: truncated: the header declares 4294967295 bytes/,
    );
  });
});
