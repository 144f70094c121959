import { describe, expect, it } from 'vitest';
import { CALIBRATION_MARGIN_MM, STANDARD_LEADS, findLead, layoutPage, rowHeightMm } from './layout';

const twelve = ['I', 'II', 'III', 'AVR', 'AVL', 'AVF', 'V1', 'V2', 'V3', 'V4', 'V5', 'V6'];

describe('page layouts', () => {
  it('lays out 3x4 with 2.5 s per column at 25 mm/s and a 10 s lead II rhythm strip', () => {
    const page = layoutPage('3x4+II', twelve, 25, 10);
    expect(page.panels).toHaveLength(13);
    const v4 = page.panels.find((p) => p.lead === 'V4')!;
    expect(v4.tStart).toBeCloseTo(7.5, 12);
    expect(v4.tEnd).toBeCloseTo(10, 12);
    expect(v4.widthMm).toBeCloseTo(62.5, 12);
    const rhythm = page.panels[12]!;
    expect(rhythm.lead).toBe('II');
    expect(rhythm.tEnd - rhythm.tStart).toBeCloseTo(10, 12);
    expect(rhythm.widthMm).toBe(250);
    expect(page.heightMm).toBe(4 * rowHeightMm(10));
  });

  it('covers 5 s per row at 50 mm/s and 20 s at 12.5 mm/s on the same 250 mm of paper', () => {
    expect(layoutPage('12x1', twelve, 50, 10).panels[0]!.tEnd).toBeCloseTo(5, 12);
    expect(layoutPage('12x1', twelve, 12.5, 10).panels[0]!.tEnd).toBeCloseTo(20, 12);
  });

  it('puts limb leads left and chest leads right in 6x2, each column the next 5 s', () => {
    const page = layoutPage('6x2', twelve, 25, 10);
    expect(page.panels.filter((p) => p.xMm === CALIBRATION_MARGIN_MM).map((p) => p.lead)).toEqual(
      STANDARD_LEADS.slice(0, 6),
    );
    const v1 = page.panels.find((p) => p.lead === 'V1')!;
    expect([v1.tStart, v1.tEnd]).toEqual([5, 10]);
  });

  it('matches lead names case-insensitively and maps each panel to its record lead', () => {
    expect(findLead(twelve, 'aVR')).toBe(3);
    expect(findLead(twelve, 'V7')).toBe(-1);
    const page = layoutPage('12x1', twelve, 25, 10);
    expect(page.panels.map((p) => p.leadIndex)).toEqual(twelve.map((_, i) => i));
  });

  it('draws a record without the twelve standard leads as one row per lead', () => {
    const page = layoutPage('3x4+II', ['MLII', 'V5'], 25, 10);
    expect(page.name).toBe('rows');
    expect(page.panels.map((p) => p.lead)).toEqual(['MLII', 'V5']);
  });

  it('starts the page at a later time for panning', () => {
    const page = layoutPage('3x4+II', twelve, 25, 10, 30);
    expect(page.panels[0]!.tStart).toBe(30);
    expect(page.panels[12]!.tEnd).toBeCloseTo(40, 12);
  });

  it('splits a 6-s record into four 1.5-s columns on a narrower page at the same 25 mm/s', () => {
    const page = layoutPage('3x4+II', twelve, 25, 10, 0, 6);
    const v4 = page.panels.find((p) => p.lead === 'V4')!;
    expect([v4.tStart, v4.tEnd]).toEqual([4.5, 6]);
    expect(v4.widthMm).toBeCloseTo(37.5, 12);
    expect(page.widthMm).toBeCloseTo(CALIBRATION_MARGIN_MM + 150, 12);
    expect(layoutPage('12x1', twelve, 25, 10, 0, 30).panels[0]!.tEnd).toBe(10);
  });

  it('gives each row room for 3.5 mV in whole large squares', () => {
    expect(rowHeightMm(10)).toBe(35);
    expect(rowHeightMm(20)).toBe(70);
    expect(rowHeightMm(5)).toBe(20);
  });
});
