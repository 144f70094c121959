import { describe, expect, it } from 'vitest';
import {
  CSS_PX_PER_MM,
  gridLines,
  millivoltsToMm,
  mvToY,
  paperScale,
  secondsToMm,
  timeToX,
  toMillivoltsFactor,
  xToTime,
  yToMv,
} from './paper';

describe('ECG paper geometry', () => {
  it('puts one second on 25 mm and one millivolt on 10 mm at the standard 25 mm/s and 10 mm/mV', () => {
    expect(secondsToMm(1, 25)).toBe(25);
    expect(millivoltsToMm(1, 10)).toBe(10);
  });

  it('makes a small square 40 ms and a large square 200 ms at 25 mm/s (the textbook reading)', () => {
    expect(1 / 25).toBeCloseTo(0.04, 12);
    expect(xToTime(5 * CSS_PX_PER_MM, paperScale(25, 10)) * 1000).toBeCloseTo(200, 9);
    expect(xToTime(5 * CSS_PX_PER_MM, paperScale(50, 10)) * 1000).toBeCloseTo(100, 9);
    expect(xToTime(5 * CSS_PX_PER_MM, paperScale(12.5, 10)) * 1000).toBeCloseTo(400, 9);
  });

  it('uses the CSS inch: 96 px per 25.4 mm, so 25 mm is 94.488 px at zoom 1', () => {
    expect(timeToX(1, paperScale(25, 10))).toBeCloseTo(94.488189, 5);
    expect(timeToX(1, paperScale(25, 10, 2))).toBeCloseTo(2 * 94.488189, 5);
  });

  it('draws a positive voltage upwards and half as tall at 5 mm/mV', () => {
    const s = paperScale(25, 10);
    expect(mvToY(1, s, 100)).toBeCloseTo(100 - 10 * CSS_PX_PER_MM, 9);
    expect(mvToY(1, s, 100, 5)).toBeCloseTo(100 - 5 * CSS_PX_PER_MM, 9);
    expect(mvToY(-1, paperScale(25, 20), 0)).toBeCloseTo(20 * CSS_PX_PER_MM, 9);
  });

  it('inverts time and amplitude exactly', () => {
    const s = paperScale(50, 20, 1.7);
    expect(xToTime(timeToX(3.21, s, 1, 12), s, 1, 12)).toBeCloseTo(3.21, 12);
    expect(yToMv(mvToY(-0.37, s, 80, 5), s, 80, 5)).toBeCloseTo(-0.37, 12);
  });

  it('rejects a zero or negative speed, gain or zoom', () => {
    expect(() => paperScale(0, 10)).toThrow(RangeError);
    expect(() => paperScale(25, -5)).toThrow(RangeError);
    expect(() => paperScale(25, 10, 0)).toThrow(RangeError);
  });

  it('converts microvolt and volt leads to millivolts and refuses a non-voltage unit', () => {
    expect(toMillivoltsFactor('mV')).toBe(1);
    expect(toMillivoltsFactor('uV')).toBe(0.001);
    expect(toMillivoltsFactor('µV')).toBe(0.001);
    expect(toMillivoltsFactor('V')).toBe(1000);
    expect(toMillivoltsFactor('mmHg')).toBeNull();
  });

  it('marks every fifth millimetre line as major', () => {
    const lines = gridLines(10);
    expect(lines).toHaveLength(11);
    expect(lines.filter((l) => l.major).map((l) => l.mm)).toEqual([0, 5, 10]);
  });
});
