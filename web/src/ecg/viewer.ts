import { caliperReading } from './calipers';
import { LAYOUTS, type LayoutName, type Panel, TRACE_WIDTH_MM } from './layout';
import { DEFAULT_GAIN, DEFAULT_SPEED, GAINS, PAPER_SPEEDS, xToTime } from './paper';
import { type Occlusion, PAPER_COLOURS, type RenderedPage, renderPage } from './render';
import type { Trace } from './trace';

export interface ViewerOptions {
  /** Accessible name of the drawing, e.g. "ECG of case 12". */
  title: string;
  rPeaks?: readonly number[];
  occlusion?: Occlusion | null;
  layout?: LayoutName;
  /** Hide the controls (small side-by-side drawings of enrolled examples). */
  compact?: boolean;
  zoom?: number;
}

let viewerCount = 0;

/**
 * The interactive ECG viewer: layout, paper speed and gain pickers, zoom and pan (drag, arrow keys, Ctrl+wheel,
 * slider), and calipers that read ms, bpm and mV. Redraws are batched to one per animation frame, and traces are
 * min/max-decimated per pixel column, so panning a long record does not stutter.
 */
export class EcgViewer {
  readonly root: HTMLElement;
  private readonly canvas: HTMLCanvasElement;
  private readonly overlay: HTMLCanvasElement;
  private readonly readout: HTMLOutputElement;
  private readonly slider: HTMLInputElement | null = null;
  private state: { layout: LayoutName; speed: number; gain: number; zoom: number; t0: number };
  private rendered: RenderedPage | null = null;
  private pending = false;
  private calipers: {
    on: boolean;
    a: { x: number; y: number; panel: Panel } | null;
    b: { x: number; y: number } | null;
  } = { on: false, a: null, b: null };

  constructor(
    private readonly trace: Trace,
    private opts: ViewerOptions,
  ) {
    const id = `ecg${++viewerCount}`;
    this.state = {
      layout: opts.layout ?? '3x4+II',
      speed: DEFAULT_SPEED,
      gain: DEFAULT_GAIN,
      zoom: opts.zoom ?? 1,
      t0: 0,
    };
    this.root = document.createElement('section');
    this.root.className = 'ecg-viewer';
    this.root.setAttribute('aria-label', opts.title);
    const controls = document.createElement('div');
    controls.className = 'ecg-controls no-print';
    const wrap = document.createElement('div');
    wrap.className = 'ecg-paper';
    this.canvas = document.createElement('canvas');
    this.canvas.tabIndex = 0;
    this.canvas.setAttribute('role', 'img');
    this.canvas.className = 'ecg-canvas';
    this.overlay = document.createElement('canvas');
    this.overlay.className = 'ecg-overlay';
    this.overlay.setAttribute('aria-hidden', 'true');
    wrap.append(this.canvas, this.overlay);
    this.readout = document.createElement('output');
    this.readout.className = 'caliper-readout';
    this.readout.setAttribute('aria-live', 'polite');
    if (!opts.compact) {
      controls.append(
        select(`${id}-layout`, 'Layout', LAYOUTS, this.state.layout, (v) => this.set({ layout: v as LayoutName })),
        select(`${id}-speed`, 'Speed (mm/s)', PAPER_SPEEDS.map(String), String(this.state.speed), (v) =>
          this.set({ speed: Number(v) }),
        ),
        select(`${id}-gain`, 'Gain (mm/mV)', GAINS.map(String), String(this.state.gain), (v) =>
          this.set({ gain: Number(v) }),
        ),
        button('Zoom out', '−', () => this.set({ zoom: Math.max(0.5, this.state.zoom / 1.25) })),
        button('Zoom in', '+', () => this.set({ zoom: Math.min(6, this.state.zoom * 1.25) })),
        button('1:1, real size', '1:1', () => this.set({ zoom: 1 })),
      );
      if (trace.durationS > this.pageSeconds()) {
        const label = document.createElement('label');
        label.textContent = 'Start (s) ';
        const s = document.createElement('input');
        s.type = 'range';
        s.min = '0';
        s.step = '0.1';
        s.addEventListener('input', () => this.set({ t0: Number(s.value) }));
        label.append(s);
        controls.append(label);
        this.slider = s;
      }
      const cal = button('Calipers: click two points on the ECG', 'Calipers', () => {
        this.calipers = { on: !this.calipers.on, a: null, b: null };
        cal.setAttribute('aria-pressed', String(this.calipers.on));
        this.readout.textContent = this.calipers.on ? 'Calipers on: click the first point.' : '';
        this.drawOverlay();
      });
      cal.setAttribute('aria-pressed', 'false');
      controls.append(cal, this.readout);
      this.root.append(controls);
    }
    this.root.append(wrap);
    this.bindPointer();
    this.render();
  }

  /** Changes what is drawn over the trace (R peaks, occlusion) and keeps the reader's layout, zoom and position. */
  update(change: Pick<ViewerOptions, 'rPeaks' | 'occlusion'>): void {
    this.opts = { ...this.opts, ...change };
    this.schedule();
  }

  /** Seconds a full row covers at the current speed. */
  private pageSeconds(): number {
    return TRACE_WIDTH_MM / this.state.speed;
  }

  private set(change: Partial<EcgViewer['state']>): void {
    this.state = { ...this.state, ...change };
    const maxT0 = Math.max(0, this.trace.durationS - this.pageSeconds());
    this.state.t0 = Math.min(Math.max(0, this.state.t0), maxT0);
    if (this.slider) {
      this.slider.max = String(maxT0);
      this.slider.value = String(this.state.t0);
    }
    this.calipers.a = null;
    this.calipers.b = null;
    this.schedule();
  }

  private schedule(): void {
    if (this.pending) return;
    this.pending = true;
    requestAnimationFrame(() => {
      this.pending = false;
      this.render();
    });
  }

  private render(): void {
    const { layout, speed, gain, zoom, t0 } = this.state;
    this.rendered = renderPage(this.canvas, this.trace, {
      layout,
      speed,
      gain,
      zoom,
      t0,
      rPeaks: this.opts.rPeaks,
      occlusion: this.opts.occlusion,
    });
    if (this.slider) this.slider.max = String(Math.max(0, this.trace.durationS - this.pageSeconds()));
    const end = Math.min(this.trace.durationS, t0 + this.pageSeconds());
    this.canvas.setAttribute(
      'aria-label',
      `${this.opts.title}: ${this.trace.leads.length} leads, ${layout}, ${speed} mm/s, ${gain} mm/mV, ` +
        `${t0.toFixed(1)} to ${end.toFixed(1)} s of ${this.trace.durationS.toFixed(1)} s`,
    );
    this.overlay.style.width = this.canvas.style.width;
    this.overlay.style.height = this.canvas.style.height;
    this.overlay.width = this.canvas.width;
    this.overlay.height = this.canvas.height;
    this.drawOverlay();
  }

  private panelAt(x: number, y: number): Panel | null {
    const r = this.rendered;
    if (!r) return null;
    const px = r.scale.pxPerMm;
    return (
      r.page.panels.find(
        (p) => x >= p.xMm * px && x < (p.xMm + p.widthMm) * px && y >= p.topMm * px && y < (p.topMm + p.heightMm) * px,
      ) ?? null
    );
  }

  private bindPointer(): void {
    let drag: { x: number; t0: number } | null = null;
    this.canvas.addEventListener('pointerdown', (e) => {
      if (this.calipers.on) return this.caliperClick(e.offsetX, e.offsetY);
      drag = { x: e.clientX, t0: this.state.t0 };
      this.canvas.setPointerCapture(e.pointerId);
    });
    this.canvas.addEventListener('pointermove', (e) => {
      if (!drag || !this.rendered) return;
      const dt = (e.clientX - drag.x) / (this.state.speed * this.rendered.scale.pxPerMm);
      this.set({ t0: drag.t0 - dt });
    });
    const end = () => (drag = null);
    this.canvas.addEventListener('pointerup', end);
    this.canvas.addEventListener('pointercancel', end);
    this.canvas.addEventListener(
      'wheel',
      (e) => {
        if (!e.ctrlKey) return;
        e.preventDefault();
        this.set({ zoom: Math.min(6, Math.max(0.5, this.state.zoom * (e.deltaY < 0 ? 1.1 : 1 / 1.1))) });
      },
      { passive: false },
    );
    this.canvas.addEventListener('keydown', (e) => {
      const step = e.shiftKey ? this.pageSeconds() : 1;
      if (e.key === 'ArrowRight') this.set({ t0: this.state.t0 + step });
      else if (e.key === 'ArrowLeft') this.set({ t0: this.state.t0 - step });
      else if (e.key === '+' || e.key === '=') this.set({ zoom: Math.min(6, this.state.zoom * 1.25) });
      else if (e.key === '-') this.set({ zoom: Math.max(0.5, this.state.zoom / 1.25) });
      else return;
      e.preventDefault();
      e.stopPropagation();
    });
  }

  private caliperClick(x: number, y: number): void {
    const c = this.calipers;
    if (!c.a || c.b) {
      const panel = this.panelAt(x, y);
      if (!panel) return;
      c.a = { x, y, panel };
      c.b = null;
      this.readout.textContent = 'Click the second point.';
    } else {
      c.b = { x, y };
      const r = this.rendered!;
      const reading = caliperReading(c.a, c.b, r.scale, r.panelGain(c.a.panel));
      const t = xToTime(c.a.x, r.scale, c.a.panel.tStart, c.a.panel.xMm * r.scale.pxPerMm);
      this.readout.textContent =
        `${c.a.panel.lead} at ${t.toFixed(2)} s: ${reading.ms.toFixed(0)} ms` +
        (reading.bpm !== null ? ` (${reading.bpm.toFixed(0)} bpm)` : '') +
        `, ${reading.mv >= 0 ? '+' : ''}${reading.mv.toFixed(2)} mV`;
    }
    this.drawOverlay();
  }

  private drawOverlay(): void {
    const ctx = this.overlay.getContext('2d');
    if (!ctx) return;
    ctx.clearRect(0, 0, this.overlay.width, this.overlay.height);
    const c = this.calipers;
    if (!c.on || !c.a) return;
    const ratio = this.overlay.width / Math.max(1, this.overlay.clientWidth || parseFloat(this.overlay.style.width));
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    ctx.strokeStyle = PAPER_COLOURS.caliper;
    ctx.lineWidth = 1.5;
    const h = this.overlay.height / ratio;
    const pts = c.b ? [c.a, c.b] : [c.a];
    ctx.beginPath();
    for (const p of pts) {
      ctx.moveTo(p.x, 0);
      ctx.lineTo(p.x, h);
    }
    if (c.b) {
      ctx.moveTo(c.a.x, c.a.y);
      ctx.lineTo(c.b.x, c.a.y);
      ctx.moveTo(c.b.x, c.a.y);
      ctx.lineTo(c.b.x, c.b.y);
    }
    ctx.stroke();
  }
}

function select(id: string, label: string, values: readonly string[], value: string, onChange: (v: string) => void) {
  const wrap = document.createElement('span');
  const l = document.createElement('label');
  l.htmlFor = id;
  l.textContent = label + ' ';
  const s = document.createElement('select');
  s.id = id;
  for (const v of values) s.append(new Option(v, v, v === value, v === value));
  s.addEventListener('change', () => onChange(s.value));
  wrap.append(l, s);
  return wrap;
}

function button(label: string, text: string, onClick: () => void): HTMLButtonElement {
  const b = document.createElement('button');
  b.type = 'button';
  b.textContent = text;
  b.setAttribute('aria-label', label);
  b.title = label;
  b.addEventListener('click', onClick);
  return b;
}
