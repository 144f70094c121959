import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jetArchiveIndex, type PlantedIndex } from '../../src/test-utils/planted-index.js';
import { tinyModel } from '../../src/test-utils/tiny-model.js';
import { axeViolations, hasChromium, launch, openServicePage, screenshot, signIn } from './browser.js';
import { ADMIN, ApiSession, CLINICIAN, hasBuiltCli, type RunningService, startService } from './service.js';

/**
 * Archive search end to end, in Debian's Chromium against a real `fewbeat serve --archive` (temporary SQLite, the
 * service's small test model, an index with three windows planted next to the taught class): a clinician picks
 * the bank and the class, runs the search, finds the planted windows first with their measurements, and downloads
 * the hits as a cohort manifest.
 */
const ready = hasChromium && hasBuiltCli;
if (hasChromium && !hasBuiltCli) console.warn('archive search flow skipped: build first (npm run build)');

describe.skipIf(!ready)('archive search in Chromium', () => {
  let tiny: Awaited<ReturnType<typeof tinyModel>>;
  let service: RunningService;
  let browser: Browser;
  let page: Page;
  let index: PlantedIndex;
  const offOrigin: string[] = [];

  beforeAll(async () => {
    tiny = await tinyModel();
    const indexDir = join(tiny.root, 'archive-index');
    const planted = jetArchiveIndex(tiny, indexDir, 40);
    const { jet, nsr } = planted;
    index = planted.index;
    service = await startService(tiny.modelDir, ['--archive', indexDir]);
    const admin = new ApiSession(service.url);
    await admin.login(ADMIN);
    await admin.json('POST', '/api/users', { ...CLINICIAN, displayName: 'Dr Lee', role: 'clinician' });
    const examples: { caseId: string; class: string }[] = [];
    for (const [cls, records] of [
      ['jet', jet],
      ['nsr', nsr],
    ] as const)
      for (const r of records) {
        const id = await admin.upload(
          r.files.map((f) => f.path),
          { label: `${cls} ${r.base}`, clinical: JSON.stringify({ age_years: r.ageYears, sex: r.sex }) },
        );
        examples.push({ caseId: id, class: cls });
      }
    await admin.json('POST', '/api/banks', { name: 'Archive bank', examples });
    browser = await launch();
    ({ page } = await openServicePage(browser, service.url, offOrigin, { acceptDownloads: true }));
  }, 600_000);

  afterAll(async () => {
    await browser?.close();
    await service?.stop();
    tiny?.cleanup();
  });

  it('searches the archive for a taught class, shows the planted windows first and downloads the cohort', async () => {
    await page.goto(`${service.url}/#/login`);
    await signIn(page, CLINICIAN);
    await page.waitForSelector('table.worklist');
    await page.getByRole('link', { name: 'Archive search' }).click();
    await page.waitForSelector('form[aria-label="Archive search"]');
    expect(await page.locator('main').textContent()).toContain(`${index.windows} ECG windows`);
    expect(await axeViolations(page), 'axe on the archive search form').toEqual([]);
    await page.getByLabel('Bank').selectOption({ label: 'Archive bank (v1)' });
    await page.getByLabel('Class').selectOption('jet');
    await page.getByLabel('Hits').fill('5');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.waitForSelector('table.archive-hits tbody tr');
    const rows = page.locator('table.archive-hits tbody tr');
    expect(await rows.count()).toBe(5);
    const firstThree = await Promise.all([0, 1, 2].map((i) => rows.nth(i).locator('td.record').textContent()));
    expect(new Set(firstThree)).toEqual(new Set(index.planted.map((p) => p.record)));
    const measured = await rows.first().locator('td.measured').textContent();
    const planted = index.planted.find((p) => p.record === firstThree[0])!;
    expect(measured).toBe(`z_hr ${planted.zHr.toFixed(2)}`);
    await screenshot(page, '20-archive-search');
    expect(await axeViolations(page), 'axe on the ranked hits').toEqual([]);

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: /Download the 5 hits as a cohort/ }).click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/^archive-jet-.+-v1\.csv$/);
    const lines = readFileSync(await download.path(), 'utf8')
      .trim()
      .split('\n');
    expect(lines[0]).toBe('record,patient_id,label,age_years,sex,start_s,end_s');
    expect(lines).toHaveLength(6);
    expect(lines.slice(1, 4).map((l) => l.split(',')[0])).toEqual(firstThree);
    expect(offOrigin).toEqual([]);
  });
});
