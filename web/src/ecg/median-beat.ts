import { delineate, type Delineation } from '../../../src/signal/delineate.js';
import { drawGrid, PAPER_COLOURS } from './render';
import { mvToY, paperScale, timeToX, toMillivoltsFactor } from './paper';
import { findLead, rowHeightMm, STANDARD_LEADS } from './layout';

/** Median beats as the service returns them: one per lead, aligned on the R peak at `rIndex`. */
export interface MedianBeatsLike {
  fs: number;
  rIndex: number;
  leads: { lead: string; unit: string; samples: number[] }[];
}

/** Boundaries of the median beat in seconds from its start, or null where the analysis found none. */
export interface BeatMarks {
  pOnset: number | null;
  qrsOnset: number | null;
  qrsOffset: number | null;
  tEnd: number | null;
  reasons: Delineation['reasons'];
}

/**
 * P onset, QRS onset and offset and T end on the median beats, by the same multi-lead delineation that the
 * measurements come from (src/signal/delineate.ts), so the marks drawn are where PR, QRS and QT were measured.
 */
export function beatMarks(m: MedianBeatsLike, rrSeconds: number): BeatMarks {
  const beats = m.leads.map((l) => {
    const f = toMillivoltsFactor(l.unit) ?? 1;
    return Float64Array.from(l.samples, (v) => v * f);
  });
  const d = delineate(beats, m.rIndex, m.fs, { rrSeconds });
  const s = (i: number | null) => (i === null ? null : i / m.fs);
  return {
    pOnset: s(d.pOnset),
    qrsOnset: s(d.qrsOnset),
    qrsOffset: s(d.qrsOffset),
    tEnd: s(d.tEnd),
    reasons: d.reasons,
  };
}

/**
 * Draws the median beat of each lead (standard leads in 4 columns x 3 rows, other records one per column) at
 * 50 mm/s so the waves are wide enough to read, with the P, QRS and T boundaries as labelled lines.
 */
export function renderMedianBeats(
  canvas: HTMLCanvasElement,
  m: MedianBeatsLike,
  marks: BeatMarks | null,
  opts: { gain: number; zoom: number; speed?: number },
): void {
  const speed = opts.speed ?? 50;
  const scale = paperScale(speed, opts.gain, opts.zoom);
  const px = scale.pxPerMm;
  const beatS = (m.leads[0]?.samples.length ?? 0) / m.fs;
  const cellW = Math.ceil((beatS * speed) / 5) * 5 + 5;
  const cellH = rowHeightMm(opts.gain);
  const leadOrder = m.leads.length >= 12 ? STANDARD_LEADS : m.leads.map((l) => l.lead);
  const cols = Math.min(4, leadOrder.length);
  const rows = Math.ceil(leadOrder.length / cols);
  const wMm = cols * cellW;
  const hMm = rows * cellH + 6;
  const ratio = Math.max(2, globalThis.devicePixelRatio || 1);
  canvas.style.width = `${wMm * opts.zoom}mm`;
  canvas.style.height = `${hMm * opts.zoom}mm`;
  canvas.width = Math.round(wMm * px * ratio);
  canvas.height = Math.round(hMm * px * ratio);
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
  drawGrid(ctx, wMm, hMm, px);
  const names = m.leads.map((l) => l.lead);
  leadOrder.forEach((name, k) => {
    const c = k % cols;
    const r = Math.floor(k / cols);
    const left = (c * cellW + 2.5) * px;
    const top = r * cellH * px;
    const base = top + (cellH / 2) * px;
    ctx.fillStyle = PAPER_COLOURS.label;
    ctx.font = `600 ${Math.max(11, 3.2 * px)}px system-ui, sans-serif`;
    ctx.fillText(name, left, top + 4.5 * px);
    const idx = findLead(names, name);
    const lead = idx >= 0 ? m.leads[idx] : undefined;
    if (!lead) return;
    const f = toMillivoltsFactor(lead.unit) ?? 1;
    ctx.beginPath();
    ctx.strokeStyle = PAPER_COLOURS.trace;
    ctx.lineWidth = 1.1;
    lead.samples.forEach((v, i) => {
      const x = timeToX(i / m.fs, scale, 0, left);
      const y = mvToY(v * f, scale, base);
      if (i === 0) ctx.moveTo(x, y);
      else ctx.lineTo(x, y);
    });
    ctx.stroke();
    if (!marks) return;
    const lines: [number | null, string][] = [
      [marks.pOnset, 'P'],
      [marks.qrsOnset, 'Q'],
      [marks.qrsOffset, 'J'],
      [marks.tEnd, 'Tend'],
    ];
    ctx.setLineDash([3, 2]);
    ctx.strokeStyle = PAPER_COLOURS.rPeak;
    ctx.fillStyle = PAPER_COLOURS.rPeak;
    ctx.font = `${Math.max(10, 2.6 * px)}px system-ui, sans-serif`;
    for (const [t, label] of lines) {
      if (t === null) continue;
      const x = timeToX(t, scale, 0, left);
      ctx.beginPath();
      ctx.moveTo(x, top + 6 * px);
      ctx.lineTo(x, top + (cellH - 2) * px);
      ctx.stroke();
      ctx.fillText(label, x + 0.5 * px, top + (cellH - 1) * px);
    }
    ctx.setLineDash([]);
  });
}
