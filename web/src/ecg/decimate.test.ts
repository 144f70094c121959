import { describe, expect, it } from 'vitest';
import { minMaxColumns } from './decimate';

describe('min/max decimation', () => {
  it('keeps a one-sample spike that a stride of 100 would miss', () => {
    const s = new Float64Array(10_000);
    s[4321] = 2.5;
    s[7777] = -1.25;
    const { min, max } = minMaxColumns(s, 0, s.length, 100);
    expect(Math.max(...max)).toBe(2.5);
    expect(max[43]).toBe(2.5);
    expect(Math.min(...min)).toBe(-1.25);
    expect(min[77]).toBe(-1.25);
  });

  it('covers each column by its own samples when zoomed in past one sample per column', () => {
    const s = Float64Array.from([0, 1, 2, 3]);
    const { min, max } = minMaxColumns(s, 0, 4, 8);
    expect(Array.from(min)).toEqual([0, 0, 1, 1, 2, 2, 3, 3]);
    expect(Array.from(max)).toEqual(Array.from(min));
  });

  it('returns NaN for columns past the end of the record and skips NaN samples', () => {
    const s = Float64Array.from([1, NaN, 3]);
    const { min, max } = minMaxColumns(s, 0, 6, 6);
    expect(min[0]).toBe(1);
    expect(Number.isNaN(min[1]!)).toBe(true);
    expect(max[2]).toBe(3);
    expect(Number.isNaN(max[5]!)).toBe(true);
  });
});
