import { describe, expect, it } from 'vitest';
import { FewbeatError } from '../../errors.js';
import { parseTals } from './tal.js';

/** Bytes of an annotation signal from a string where \x14, \x15 and \x00 are written literally. */
const bytes = (s: string, pad = 0): Uint8Array =>
  new Uint8Array([...Buffer.from(s, 'utf8'), ...new Array<number>(pad).fill(0)]);

describe('EDF+ time-stamped annotation lists', () => {
  it('reads the time-keeping TAL, then annotations with and without duration, several texts per TAL', () => {
    const r = parseTals(
      bytes('+12.5\x14\x14\x00+13\x152.25\x14Apnea\x14Desat\x14\x00-0.5\x14before start\x14\x00', 6),
      'f.edf',
      1000,
    );
    expect(r.recordStartS).toBe(12.5);
    expect(r.annotations).toEqual([
      { onsetS: 13, durationS: 2.25, text: 'Apnea' },
      { onsetS: 13, durationS: 2.25, text: 'Desat' },
      { onsetS: -0.5, durationS: null, text: 'before start' },
    ]);
  });

  it('names the file and byte of a malformed onset or an unterminated TAL', () => {
    expect(() => parseTals(bytes('+0\x14\x14\x00x1\x14a\x14\x00'), 'f.edf', 1000)).toThrow(
      /f\.edf: byte 1005: EDF\+ annotation: malformed onset\/duration 'x1'/,
    );
    expect(() => parseTals(bytes('+0\x14\x14'), 'f.edf', 0)).toThrow(FewbeatError);
    expect(() => parseTals(bytes('', 4), 'f.edf', 0)).toThrow(/no time-keeping TAL/);
  });
});
