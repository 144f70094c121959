import { describe, expect, it } from 'vitest';
import { caliperReading } from './calipers';
import { CSS_PX_PER_MM, paperScale } from './paper';

const mm = (v: number) => v * CSS_PX_PER_MM;

describe('calipers', () => {
  it('read 5 large squares at 25 mm/s as 1000 ms and 60 bpm (the 300 rule: 300 / 5 = 60)', () => {
    const r = caliperReading({ x: mm(10), y: 0 }, { x: mm(35), y: 0 }, paperScale(25, 10));
    expect(r.ms).toBeCloseTo(1000, 9);
    expect(r.bpm).toBeCloseTo(60, 9);
  });

  it('read 15 small squares at 25 mm/s as 600 ms and 100 bpm (the 1500 rule: 1500 / 15 = 100)', () => {
    const r = caliperReading({ x: mm(40), y: 0 }, { x: mm(25), y: 0 }, paperScale(25, 10, 3));
    expect(r.ms).toBeCloseTo(600 / 3, 9);
    const unzoomed = caliperReading({ x: mm(40), y: 0 }, { x: mm(25), y: 0 }, paperScale(25, 10));
    expect(unzoomed.ms).toBeCloseTo(600, 9);
    expect(unzoomed.bpm).toBeCloseTo(100, 9);
  });

  it('halve the time when the paper runs at 50 mm/s', () => {
    expect(caliperReading({ x: 0, y: 0 }, { x: mm(25), y: 0 }, paperScale(50, 10)).ms).toBeCloseTo(500, 9);
  });

  it('read 10 mm up as +1 mV at 10 mm/mV and +2 mV on a lead drawn at 5 mm/mV', () => {
    const s = paperScale(25, 10);
    expect(caliperReading({ x: 0, y: mm(30) }, { x: 0, y: mm(20) }, s).mv).toBeCloseTo(1, 9);
    expect(caliperReading({ x: 0, y: mm(30) }, { x: 0, y: mm(20) }, s, 5).mv).toBeCloseTo(2, 9);
  });

  it('give no rate for a zero interval', () => {
    expect(caliperReading({ x: 5, y: 0 }, { x: 5, y: 9 }, paperScale()).bpm).toBeNull();
  });
});
