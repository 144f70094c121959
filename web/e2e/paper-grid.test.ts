import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axeViolations, hasChromium, launch, screenshot, serveStatic, WEB_DIST } from './browser.js';

/**
 * The paper is right in a real browser: on the paper-check page (1 mV pulses lasting 1 s at 25 mm/s, 10 mm/mV),
 * the pulse measured in the canvas's own pixels spans 25 mm and rises 10 mm, and the canvas is laid out in CSS
 * millimetres (96 px per 25.4 mm), which is what a printout uses.
 */
const ready = hasChromium && existsSync(join(WEB_DIST, 'index.html'));
if (hasChromium && !ready) console.warn('paper grid test skipped: build the web app first (npm run build:web)');

describe.skipIf(!ready)('ECG paper in Chromium', () => {
  let browser: Browser;
  let site: Awaited<ReturnType<typeof serveStatic>>;
  beforeAll(async () => {
    site = await serveStatic();
    browser = await launch();
  });
  afterAll(async () => {
    await browser?.close();
    await site?.close();
  });

  it('draws a 1-s calibration pulse 25 mm wide and a 1-mV step 10 mm tall at 25 mm/s and 10 mm/mV', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 700 }, deviceScaleFactor: 1 });
    await page.goto(`${site.url}/#/paper-check`);
    await page.waitForSelector('#paper-check');
    await screenshot(page, 'paper-check');
    const m = await page.evaluate(() => {
      const c = document.getElementById('paper-check') as HTMLCanvasElement;
      const ctx = c.getContext('2d')!;
      const { data, width, height } = ctx.getImageData(0, 0, c.width, c.height);
      const cssWidth = c.getBoundingClientRect().width;
      const ratio = c.width / cssWidth;
      const dark = (x: number, y: number) => {
        const i = 4 * (y * width + x);
        return data[i]! < 90 && data[i + 1]! < 90 && data[i + 2]! < 90;
      };
      // Columns and rows of dark (trace) pixels, counted per column and per row.
      const colCount = new Array<number>(width).fill(0);
      const rowCount = new Array<number>(height).fill(0);
      for (let y = 0; y < height; y++)
        for (let x = 0; x < width; x++)
          if (dark(x, y)) {
            colCount[x]!++;
            rowCount[y]!++;
          }
      return { width, height, ratio, cssWidth, colCount, rowCount };
    });
    const pxPerMm = (96 / 25.4) * m.ratio;
    // The canvas is 262 mm of paper (12 mm margin + 250 mm of trace) in CSS millimetres.
    expect(m.cssWidth / (96 / 25.4)).toBeCloseTo(262, 1);
    // Vertical edges of the pulses: columns with a long dark run (more than 5 mm of dark pixels), past the margin.
    const clusters = (counts: number[], min: number, from: number) => {
      const out: number[] = [];
      let start = -1;
      for (let i = from; i <= counts.length; i++) {
        const on = i < counts.length && counts[i]! >= min;
        if (on && start < 0) start = i;
        if (!on && start >= 0) {
          out.push((start + i - 1) / 2);
          start = -1;
        }
      }
      return out;
    };
    const edges = clusters(m.colCount, 5 * pxPerMm, Math.round(12.5 * pxPerMm));
    expect(edges.length).toBe(4);
    const widthMm = (edges[1]! - edges[0]!) / pxPerMm;
    expect(Math.abs(widthMm - 25)).toBeLessThan(0.25);
    expect(Math.abs((edges[3]! - edges[2]!) / pxPerMm - 25)).toBeLessThan(0.25);
    // Rising edge at t = 1 s is 25 mm right of the trace's start (12 mm margin).
    expect(Math.abs(edges[0]! / pxPerMm - 37)).toBeLessThan(0.25);
    // Horizontal runs: the baseline and the pulse tops (rows with more than 20 mm of dark pixels).
    const rows = clusters(m.rowCount, 20 * pxPerMm, 0);
    expect(rows.length).toBe(2);
    const heightMm = (rows[1]! - rows[0]!) / pxPerMm;
    expect(Math.abs(heightMm - 10)).toBeLessThan(0.25);
    await page.close();
  });

  it('has no serious or critical accessibility violation on the paper-check page', async () => {
    const page = await browser.newPage();
    await page.goto(`${site.url}/#/paper-check`);
    await page.waitForSelector('#paper-check');
    expect(await axeViolations(page)).toEqual([]);
    await page.close();
  });
});
