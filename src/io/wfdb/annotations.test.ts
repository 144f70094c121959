import { describe, expect, it } from 'vitest';
import { realPath } from '../../test-utils/real-data.js';
import { annotationCode, annotationSymbol, parseAnnotations, readAnnotations } from './annotations.js';

/** One 16-bit annotation word, little-endian: code A in bits 10-15, value I in bits 0-9. */
const word = (a: number, i: number): number[] => [((a << 10) | i) & 0xff, ((a << 10) | i) >> 8];
const aux = (text: string): number[] => {
  const bytes = [...Buffer.from(text, 'latin1')];
  return [...word(63, bytes.length), ...bytes, ...(bytes.length % 2 ? [0] : [])];
};

describe('MIT annotation files', () => {
  it('decodes SKIP, NUM, SUB, CHN and AUX fields as annot(5) specifies', () => {
    const bytes = Uint8Array.from([
      ...word(22, 0),
      ...aux('## time resolution: 1000'), // file definition at sample 0
      ...word(28, 18),
      ...aux('(AFIB\0'), //                '+' at 18 with rhythm (AFIB and a NUL inside its length
      ...word(1, 100),
      ...word(61, 0xff), //                'N' at 118, subtype -1
      ...word(62, 2),
      ...word(60, 5), //                    chan 2, num 5 (apply to it and later ones)
      ...word(59, 0),
      0x01,
      0x00,
      0x02,
      0x00, //            SKIP 0x00010002 = 65538 samples
      ...word(5, 10), //                                    'V' at 118 + 65538 + 10
      ...word(59, 0),
      0xff,
      0xff,
      0xfe,
      0xff, //            SKIP -2
      ...word(0, 7), //                                     NOTQRS at +7: dropped, time still advances
      ...word(8, 1), //                                     'A' at 65666 - 2 + 7 + 1
      0,
      0,
    ]);
    const { fs, annotations, notes } = parseAnnotations(bytes, 'hand.atr');
    expect(fs).toBe(1000);
    expect(notes).toEqual(['## time resolution: 1000']);
    expect(annotations).toEqual([
      { sample: 18, symbol: '+', subtype: 0, chan: 0, num: 0, auxNote: '(AFIB' },
      { sample: 118, symbol: 'N', subtype: -1, chan: 2, num: 5, auxNote: '' },
      { sample: 65666, symbol: 'V', subtype: 0, chan: 2, num: 5, auxNote: '' },
      { sample: 65672, symbol: 'A', subtype: 0, chan: 2, num: 5, auxNote: '' },
    ]);
  });

  it('maps MIT codes to WFDB symbols and back', () => {
    expect([1, 5, 12, 28, 31, 37, 41].map(annotationSymbol)).toEqual(['N', 'V', '/', '+', '!', 'x', 'r']);
    expect(annotationSymbol(45)).toBe('[45]');
    expect(annotationCode('V')).toBe(5);
    expect(annotationCode('no such')).toBeUndefined();
  });

  it('takes the time resolution from the record header when the file declares none', () => {
    const path = (realPath('mitdb/200.atr') as string).replace(/\.atr$/, '');
    const { fs, annotations } = readAnnotations(path, 'atr');
    expect(fs).toBe(360);
    expect(annotations[0]).toEqual({ sample: 67, symbol: '+', subtype: 0, chan: 0, num: 0, auxNote: '(B' });
  });
});
