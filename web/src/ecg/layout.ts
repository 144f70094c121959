/**
 * Lead layouts of a 12-lead ECG on paper, in millimetres (no pixels here).
 *
 * - `3x4+II`: the standard printout: 3 rows x 4 columns (I II III | aVR aVL aVF | V1 V2 V3 | V4 V5 V6), each column
 *   showing the next quarter of the strip, plus a full-width lead II rhythm strip underneath.
 * - `6x2`: limb leads in the left column, chest leads in the right, each column the next half of the strip.
 * - `12x1`: one full-width row per lead.
 * A record without the standard leads (a single-lead monitor strip, a 2-lead Holter) is drawn one row per lead.
 *
 * Every row begins with a 1 mV calibration pulse in its left margin; the trace area is `TRACE_WIDTH_MM` wide,
 * so the time a row covers depends on the paper speed (250 mm = 10 s at 25 mm/s), as on a real electrocardiograph.
 */

export type LayoutName = '3x4+II' | '6x2' | '12x1';
export const LAYOUTS: readonly LayoutName[] = ['3x4+II', '6x2', '12x1'];

/** Width of the trace area of a full row (mm): 10 s at 25 mm/s. */
export const TRACE_WIDTH_MM = 250;
/** Left margin holding the calibration pulse (mm). */
export const CALIBRATION_MARGIN_MM = 12;

const GRID_3X4 = [
  ['I', 'aVR', 'V1', 'V4'],
  ['II', 'aVL', 'V2', 'V5'],
  ['III', 'aVF', 'V3', 'V6'],
];
const GRID_6X2 = [
  ['I', 'V1'],
  ['II', 'V2'],
  ['III', 'V3'],
  ['aVR', 'V4'],
  ['aVL', 'V5'],
  ['aVF', 'V6'],
];
export const STANDARD_LEADS = ['I', 'II', 'III', 'aVR', 'aVL', 'aVF', 'V1', 'V2', 'V3', 'V4', 'V5', 'V6'];

/** One lead drawn in one box of the page. */
export interface Panel {
  /** Lead name as shown. */
  lead: string;
  /** Index of the lead in the record, or -1 when the record does not have it. */
  leadIndex: number;
  /** Left edge of the trace area (mm from the page's left). */
  xMm: number;
  /** Top of the box (mm from the page's top). */
  topMm: number;
  /** The zero-millivolt line (mm from the page's top). */
  baselineMm: number;
  widthMm: number;
  heightMm: number;
  /** Time at the left edge and the right edge (s from the record's start). */
  tStart: number;
  tEnd: number;
  /** Whether this panel's row starts with the calibration pulse (the first panel of each row). */
  calibration: boolean;
}

export interface PageLayout {
  name: LayoutName | 'rows';
  widthMm: number;
  heightMm: number;
  rowHeightMm: number;
  panels: Panel[];
}

/** Height of one row (mm): room for 3.5 mV at the given gain, rounded up to whole 5 mm squares, at least 15 mm. */
export function rowHeightMm(gain: number): number {
  return Math.max(15, Math.ceil((3.5 * gain) / 5) * 5);
}

/** Index of `name` among the record's leads, matched case-insensitively ('AVR' is 'aVR'); -1 when absent. */
export function findLead(leads: readonly string[], name: string): number {
  const want = name.trim().toLowerCase();
  return leads.findIndex((l) => l.trim().toLowerCase() === want);
}

/** Whether the record has all twelve standard leads. */
export function hasStandardLeads(leads: readonly string[]): boolean {
  return STANDARD_LEADS.every((l) => findLead(leads, l) >= 0);
}

/**
 * Lays out `leads` in `name` at `speed` (mm/s) and `gain` (mm/mV), starting at record time `t0` (s).
 * Records without the twelve standard leads get one full-width row per lead whatever `name` is.
 * A record shorter than a row (`durationS`) gets a narrower page at the same scale, split the same way,
 * rather than empty columns.
 */
export function layoutPage(
  name: LayoutName,
  leads: readonly string[],
  speed: number,
  gain: number,
  t0 = 0,
  durationS = Infinity,
): PageLayout {
  const rowH = rowHeightMm(gain);
  const secondsPerRow = Math.min(TRACE_WIDTH_MM / speed, Math.max(durationS - t0, 0.2));
  const traceWidthMm = secondsPerRow * speed;
  const panels: Panel[] = [];
  const addGrid = (grid: string[][], rowOffset: number) => {
    const cols = grid[0]!.length;
    const colWidth = traceWidthMm / cols;
    grid.forEach((row, r) =>
      row.forEach((lead, c) => {
        const topMm = (rowOffset + r) * rowH;
        panels.push({
          lead,
          leadIndex: findLead(leads, lead),
          xMm: CALIBRATION_MARGIN_MM + c * colWidth,
          topMm,
          baselineMm: topMm + rowH / 2,
          widthMm: colWidth,
          heightMm: rowH,
          tStart: t0 + (c * secondsPerRow) / cols,
          tEnd: t0 + ((c + 1) * secondsPerRow) / cols,
          calibration: c === 0,
        });
      }),
    );
    return grid.length;
  };
  let rows: number;
  let layoutName: PageLayout['name'] = name;
  if (!hasStandardLeads(leads)) {
    layoutName = 'rows';
    rows = addGrid(
      leads.map((l) => [l]),
      0,
    );
  } else if (name === '3x4+II') {
    rows = addGrid(GRID_3X4, 0);
    rows += addGrid([['II']], rows);
  } else if (name === '6x2') {
    rows = addGrid(GRID_6X2, 0);
  } else {
    rows = addGrid(
      STANDARD_LEADS.map((l) => [l]),
      0,
    );
  }
  return {
    name: layoutName,
    widthMm: CALIBRATION_MARGIN_MM + traceWidthMm,
    heightMm: rows * rowH,
    rowHeightMm: rowH,
    panels,
  };
}
