import type { Ecg } from '../io/ecg.js';

/** Standard paper: 25 mm/s, 10 mm/mV; 1 mm minor and 5 mm major grid. */
const MM_PER_S = 25;
const MM_PER_MV = 10;
const ROW_HEIGHT_MM = 40;
const STRIP_S = 2.5;
const LEFT_MM = 12;
const TOP_MM = 14;

/** The usual 3 × 4 layout (2.5 s per lead) with a lead II rhythm strip below. */
const LAYOUT: ReadonlyArray<readonly string[]> = [
  ['I', 'aVR', 'V1', 'V4'],
  ['II', 'aVL', 'V2', 'V5'],
  ['III', 'aVF', 'V3', 'V6'],
];

function polyline(x: Float64Array, fs: number, from: number, to: number, x0: number, y0: number): string {
  const step = Math.max(1, Math.floor(fs / 250));
  const pts: string[] = [];
  for (let i = from; i < to; i += step) {
    const v = x[i] as number;
    if (!Number.isFinite(v)) continue;
    pts.push(`${(x0 + ((i - from) / fs) * MM_PER_S).toFixed(1)},${(y0 - v * MM_PER_MV).toFixed(1)}`);
  }
  return `<polyline fill="none" stroke="#000" stroke-width="0.25" stroke-linejoin="round" points="${pts.join(' ')}"/>`;
}

function escapeXml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * A 12-lead ECG on standard paper as SVG (units: mm; traces drawn at ≥ 250 points per second, 0.1 mm
 * resolution). Needs at least the 12 standard leads; shows
 * the first 10 s: four columns of 2.5 s and a 10-s lead II rhythm strip, with a 1-mV calibration
 * pulse at the start of each row.
 */
export function twelveLeadSvg(ecg: Ecg, title: string): string {
  const index = new Map(ecg.leads.map((l, i) => [l, i]));
  const signal = (lead: string): Float64Array => {
    const i = index.get(lead);
    if (i === undefined) throw new Error(`lead ${lead} missing for the 12-lead plot`);
    return ecg.signals[i] as Float64Array;
  };
  const stripSamples = Math.round(STRIP_S * ecg.fs);
  const rhythmSamples = Math.min((ecg.signals[0] as Float64Array).length, 4 * stripSamples);
  const width = LEFT_MM + 4 * STRIP_S * MM_PER_S + 4;
  const height = TOP_MM + 4 * ROW_HEIGHT_MM + 4;
  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}mm" height="${height}mm" viewBox="0 0 ${width} ${height}">`,
  );
  out.push(`<rect width="${width}" height="${height}" fill="#fff"/>`);
  const grid: string[] = [];
  for (let x = 0; x <= width - LEFT_MM; x += 1) grid.push(`M${LEFT_MM + x} ${TOP_MM}V${height}`);
  for (let y = 0; y <= height - TOP_MM; y += 1) grid.push(`M${LEFT_MM} ${TOP_MM + y}H${width}`);
  out.push(`<path d="${grid.join('')}" stroke="#f4c7c3" stroke-width="0.1"/>`);
  const major: string[] = [];
  for (let x = 0; x <= width - LEFT_MM; x += 5) major.push(`M${LEFT_MM + x} ${TOP_MM}V${height}`);
  for (let y = 0; y <= height - TOP_MM; y += 5) major.push(`M${LEFT_MM} ${TOP_MM + y}H${width}`);
  out.push(`<path d="${major.join('')}" stroke="#e8918a" stroke-width="0.25"/>`);
  out.push(`<text x="${LEFT_MM}" y="8" font-family="sans-serif" font-size="4.5">${escapeXml(title)}</text>`);
  out.push(
    `<text x="${width - 4}" y="8" font-family="sans-serif" font-size="3" ` +
      `text-anchor="end">25 mm/s · 10 mm/mV · ${ecg.fs} Hz</text>`,
  );
  const rows = [...LAYOUT, ['II']];
  rows.forEach((row, r) => {
    const baseline = TOP_MM + r * ROW_HEIGHT_MM + ROW_HEIGHT_MM * 0.6;
    out.push(
      `<path d="M2 ${baseline}H4V${baseline - MM_PER_MV}H9V${baseline}H11" ` +
        `fill="none" stroke="#000" stroke-width="0.3"/>`,
    );
    row.forEach((lead, c) => {
      const x0 = LEFT_MM + c * STRIP_S * MM_PER_S;
      const from = row.length === 1 ? 0 : c * stripSamples;
      const to = row.length === 1 ? rhythmSamples : Math.min(rhythmSamples, from + stripSamples);
      out.push(polyline(signal(lead), ecg.fs, from, to, x0, baseline));
      out.push(`<text x="${x0 + 1}" y="${baseline - 14}" font-family="sans-serif" font-size="3.5">${lead}</text>`);
    });
  });
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}
