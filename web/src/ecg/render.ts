import { minMaxColumns } from './decimate';
import { type LayoutName, type PageLayout, type Panel, layoutPage } from './layout';
import { CSS_PX_PER_MM, type PaperScale, mvToY, paperScale, timeToX } from './paper';
import type { Trace } from './trace';

/** Colours of the paper: pale red minor lines, darker major lines, black trace (as on thermal ECG paper). */
export const PAPER_COLOURS = {
  background: '#ffffff',
  minor: '#f3c4c4',
  major: '#de8080',
  trace: '#000000',
  label: '#1a1a1a',
  rPeak: '#1f5fbf',
  occlusion: '255, 140, 0',
  caliper: '#0b6e4f',
};

export interface Occlusion {
  leads: { lead: string; drop: number }[];
  segments: { startS: number; endS: number; drop: number }[];
}

export interface RenderOptions {
  layout: LayoutName;
  speed: number;
  gain: number;
  /** 1 = real millimetres (CSS mm). */
  zoom: number;
  /** Record time at the left of the page (s). */
  t0: number;
  /** Display gain per lead (mm/mV) where it differs from `gain`. */
  leadGains?: Record<string, number>;
  /** R-peak times (s), marked above each panel. */
  rPeaks?: readonly number[];
  /** Which leads and seconds drove the decision: shaded by their probability drop. */
  occlusion?: Occlusion | null;
  /** Backing-store pixels per CSS pixel (devicePixelRatio; at least 2 keeps printouts sharp). */
  pixelRatio?: number;
}

export interface RenderedPage {
  page: PageLayout;
  scale: PaperScale;
  /** Gain (mm/mV) each panel was drawn with. */
  panelGain: (panel: Panel) => number;
}

/** Sizes the canvas in CSS millimetres (so print and screen rulers agree) and draws the page. */
export function renderPage(canvas: HTMLCanvasElement, trace: Trace, opts: RenderOptions): RenderedPage {
  const page = layoutPage(opts.layout, trace.leads, opts.speed, opts.gain, opts.t0, trace.durationS);
  const scale = paperScale(opts.speed, opts.gain, opts.zoom);
  const ratio = opts.pixelRatio ?? Math.max(2, globalThis.devicePixelRatio || 1);
  const cssW = page.widthMm * scale.pxPerMm;
  const cssH = page.heightMm * scale.pxPerMm;
  canvas.style.width = `${page.widthMm * opts.zoom}mm`;
  canvas.style.height = `${page.heightMm * opts.zoom}mm`;
  // Real size for the print stylesheet, whatever the screen zoom.
  canvas.style.setProperty('--paper-width', `${page.widthMm}mm`);
  canvas.style.setProperty('--paper-height', `${page.heightMm}mm`);
  canvas.width = Math.round(cssW * ratio);
  canvas.height = Math.round(cssH * ratio);
  const ctx = canvas.getContext('2d');
  const panelGain = (p: Panel) => opts.leadGains?.[p.lead] ?? opts.gain;
  if (!ctx) return { page, scale, panelGain };
  ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
  drawGrid(ctx, page.widthMm, page.heightMm, scale.pxPerMm);
  if (opts.occlusion) drawOcclusion(ctx, page, scale, opts.occlusion);
  for (const panel of page.panels) {
    const gain = panelGain(panel);
    if (panel.calibration) drawCalibrationPulse(ctx, panel, scale, gain);
    drawPanelTrace(ctx, panel, trace, scale, gain);
    drawLabel(ctx, panel, scale, gain === opts.gain ? panel.lead : `${panel.lead} (${gain} mm/mV)`);
    if (opts.rPeaks) drawRPeaks(ctx, panel, scale, opts.rPeaks);
  }
  return { page, scale, panelGain };
}

/** 1 mm minor and 5 mm major lines over `widthMm` x `heightMm`. */
export function drawGrid(ctx: CanvasRenderingContext2D, widthMm: number, heightMm: number, pxPerMm: number): void {
  ctx.fillStyle = PAPER_COLOURS.background;
  ctx.fillRect(0, 0, widthMm * pxPerMm, heightMm * pxPerMm);
  for (const major of [false, true]) {
    ctx.beginPath();
    ctx.strokeStyle = major ? PAPER_COLOURS.major : PAPER_COLOURS.minor;
    ctx.lineWidth = major ? 0.8 : 0.5;
    for (let mm = 0; mm <= widthMm + 1e-9; mm++) {
      if ((mm % 5 === 0) !== major) continue;
      const x = Math.round(mm * pxPerMm) + 0.5;
      ctx.moveTo(x, 0);
      ctx.lineTo(x, heightMm * pxPerMm);
    }
    for (let mm = 0; mm <= heightMm + 1e-9; mm++) {
      if ((mm % 5 === 0) !== major) continue;
      const y = Math.round(mm * pxPerMm) + 0.5;
      ctx.moveTo(0, y);
      ctx.lineTo(widthMm * pxPerMm, y);
    }
    ctx.stroke();
  }
}

/** The standard 1 mV x 200 ms calibration pulse in the row's left margin, at the row's gain. */
function drawCalibrationPulse(ctx: CanvasRenderingContext2D, panel: Panel, scale: PaperScale, gain: number): void {
  const px = scale.pxPerMm;
  const base = panel.baselineMm * px;
  const x0 = 1 * px;
  const x1 = x0 + 0.2 * scale.speed * px;
  const top = mvToY(1, scale, base, gain);
  ctx.beginPath();
  ctx.strokeStyle = PAPER_COLOURS.trace;
  ctx.lineWidth = 1.2;
  ctx.moveTo(0, base);
  ctx.lineTo(x0, base);
  ctx.lineTo(x0, top);
  ctx.lineTo(x1, top);
  ctx.lineTo(x1, base);
  ctx.lineTo(panel.xMm * px, base);
  ctx.stroke();
}

/**
 * One lead inside its box. Zoomed out (several samples per pixel column) the trace is drawn as min/max columns, so
 * every peak stays and a long record costs one pass over its visible samples; zoomed in, as a polyline.
 */
export function drawPanelTrace(
  ctx: CanvasRenderingContext2D,
  panel: Panel,
  trace: Trace,
  scale: PaperScale,
  gain: number,
): void {
  const signal = panel.leadIndex >= 0 ? trace.signals[panel.leadIndex] : undefined;
  const px = scale.pxPerMm;
  const left = panel.xMm * px;
  const width = panel.widthMm * px;
  const base = panel.baselineMm * px;
  ctx.save();
  ctx.beginPath();
  ctx.rect(left, panel.topMm * px, width, panel.heightMm * px);
  ctx.clip();
  if (!signal) {
    ctx.fillStyle = PAPER_COLOURS.label;
    ctx.font = `${Math.max(10, 3 * px)}px system-ui, sans-serif`;
    ctx.fillText('not recorded', left + 4 * px, base);
    ctx.restore();
    return;
  }
  ctx.strokeStyle = PAPER_COLOURS.trace;
  ctx.lineWidth = 1.1;
  ctx.lineJoin = 'round';
  ctx.beginPath();
  const s0 = panel.tStart * trace.fs;
  const s1 = panel.tEnd * trace.fs;
  const columns = Math.max(1, Math.ceil(width));
  if ((s1 - s0) / columns > 1.5) {
    const { min, max } = minMaxColumns(signal, s0, s1, columns);
    let pen = false;
    for (let c = 0; c < columns; c++) {
      const lo = min[c]!;
      const hi = max[c]!;
      if (Number.isNaN(lo)) {
        pen = false;
        continue;
      }
      const x = left + c + 0.5;
      const yHi = mvToY(hi, scale, base, gain);
      const yLo = mvToY(lo, scale, base, gain);
      if (pen) ctx.lineTo(x, yHi);
      else ctx.moveTo(x, yHi);
      ctx.lineTo(x, yLo);
      pen = true;
    }
  } else {
    let pen = false;
    const from = Math.max(0, Math.floor(s0));
    const to = Math.min(signal.length - 1, Math.ceil(s1));
    for (let i = from; i <= to; i++) {
      const v = signal[i]!;
      if (Number.isNaN(v)) {
        pen = false;
        continue;
      }
      const x = timeToX(i / trace.fs, scale, panel.tStart, left);
      const y = mvToY(v, scale, base, gain);
      if (pen) ctx.lineTo(x, y);
      else ctx.moveTo(x, y);
      pen = true;
    }
  }
  ctx.stroke();
  ctx.restore();
}

function drawLabel(ctx: CanvasRenderingContext2D, panel: Panel, scale: PaperScale, text: string): void {
  const px = scale.pxPerMm;
  ctx.fillStyle = PAPER_COLOURS.label;
  ctx.font = `600 ${Math.max(11, 3.2 * px)}px system-ui, sans-serif`;
  ctx.fillText(text, panel.xMm * px + 1.5 * px, panel.topMm * px + 4.5 * px);
  if (!panel.calibration) {
    ctx.beginPath();
    ctx.strokeStyle = PAPER_COLOURS.trace;
    ctx.lineWidth = 1;
    const x = panel.xMm * px;
    ctx.moveTo(x, (panel.baselineMm - 2) * px);
    ctx.lineTo(x, (panel.baselineMm + 2) * px);
    ctx.stroke();
  }
}

function drawRPeaks(ctx: CanvasRenderingContext2D, panel: Panel, scale: PaperScale, times: readonly number[]): void {
  const px = scale.pxPerMm;
  const top = (panel.topMm + 1) * px;
  ctx.fillStyle = PAPER_COLOURS.rPeak;
  for (const t of times) {
    if (t < panel.tStart || t >= panel.tEnd) continue;
    const x = timeToX(t, scale, panel.tStart, panel.xMm * px);
    ctx.beginPath();
    ctx.moveTo(x - 1.2 * px, top);
    ctx.lineTo(x + 1.2 * px, top);
    ctx.lineTo(x, top + 1.8 * px);
    ctx.closePath();
    ctx.fill();
  }
}

/** Shades each panel by its lead's probability drop and each second by its segment's drop (darker = mattered more). */
function drawOcclusion(ctx: CanvasRenderingContext2D, page: PageLayout, scale: PaperScale, occ: Occlusion): void {
  const px = scale.pxPerMm;
  const maxDrop = Math.max(1e-9, ...occ.leads.map((l) => l.drop), ...occ.segments.map((s) => s.drop));
  for (const panel of page.panels) {
    const lead = occ.leads.find((l) => l.lead.toLowerCase() === panel.lead.toLowerCase());
    const top = panel.topMm * px;
    const h = panel.heightMm * px;
    if (lead && lead.drop > 0) {
      ctx.fillStyle = `rgba(${PAPER_COLOURS.occlusion}, ${(0.25 * lead.drop) / maxDrop})`;
      ctx.fillRect(panel.xMm * px, top, panel.widthMm * px, h);
    }
    for (const seg of occ.segments) {
      if (!(seg.drop > 0)) continue;
      const a = Math.max(seg.startS, panel.tStart);
      const b = Math.min(seg.endS, panel.tEnd);
      if (b <= a) continue;
      const x0 = timeToX(a, scale, panel.tStart, panel.xMm * px);
      const x1 = timeToX(b, scale, panel.tStart, panel.xMm * px);
      ctx.fillStyle = `rgba(${PAPER_COLOURS.occlusion}, ${(0.3 * seg.drop) / maxDrop})`;
      ctx.fillRect(x0, top + h - 2 * px, x1 - x0, 2 * px);
    }
  }
}

/** CSS pixels per millimetre at a zoom, re-exported for pages that place HTML over the canvas. */
export const pxPerMmAt = (zoom: number) => CSS_PX_PER_MM * zoom;
