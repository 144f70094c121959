import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadEcg } from '../../src/io/load-ecg.js';
import { tinyModel, type TinyRecord } from '../../src/test-utils/tiny-model.js';
import { axeViolations, docsScreenshot, hasChromium, launch, openServicePage, screenshot, signIn } from './browser.js';
import { ADMIN, ApiSession, CLINICIAN, hasBuiltCli, type RunningService, startService } from './service.js';

/**
 * The clinician's flows end to end, in Debian's Chromium against a real `fewbeat serve` (temporary SQLite, the
 * service's small test model): sign in, upload a WFDB record and a CSV with the clinical form, read the
 * measurements, predict, teach a new class from three cases, predict again and see it, confirm, find it all in the
 * audit log, and check that a clinician cannot open the admin pages. Screenshots go to out/screenshots/.
 */
const ready = hasChromium && hasBuiltCli;
if (hasChromium && !hasBuiltCli) console.warn('web flows skipped: build first (npm run build)');

const noAxeProblems = async (page: Page, where: string) => {
  const v = await axeViolations(page);
  expect(v, `axe on ${where}`).toEqual([]);
};

describe.skipIf(!ready)('web app flows in Chromium', () => {
  let tiny: Awaited<ReturnType<typeof tinyModel>>;
  let service: RunningService;
  let browser: Browser;
  let page: Page;
  const offOrigin: string[] = [];
  let teachIds: string[] = [];
  let csvPath = '';
  const byLabel = (label: string) => tiny.records.filter((r) => r.label === label);
  let teachClass = '';
  let query: TinyRecord;

  beforeAll(async () => {
    tiny = await tinyModel();
    service = await startService(tiny.modelDir);
    const admin = new ApiSession(service.url);
    await admin.login(ADMIN);
    await admin.json('POST', '/api/users', { ...CLINICIAN, displayName: 'Dr Lee', role: 'clinician' });
    // The ward's bank: three examples each of two classes, uploaded and enrolled as a script would.
    const [a, b] = ['nsr', 'svt'];
    const examples: { caseId: string; class: string }[] = [];
    for (const cls of [a!, b!])
      for (const r of byLabel(cls).slice(0, 3)) {
        const id = await admin.upload(
          r.files.map((f) => f.path),
          { label: `${cls} example ${r.base}`, clinical: JSON.stringify({ age_years: r.ageYears, sex: r.sex }) },
        );
        examples.push({ caseId: id, class: cls });
      }
    await admin.json('POST', '/api/banks', { name: 'Ward bank', examples });
    // Three cases of a class the bank does not know yet, to teach it in the browser.
    teachClass = 'jet';
    const jets = byLabel(teachClass);
    teachIds = [];
    for (const r of jets.slice(0, 3))
      teachIds.push(
        await admin.upload(
          r.files.map((f) => f.path),
          { label: `teach ${r.base}` },
        ),
      );
    query = jets[3]!;
    // The same kind of record as CSV, with a time column and units in the header.
    const other = byLabel('vt')[0]!;
    const hea = other.files.find((f) => f.name.endsWith('.hea'))!;
    const ecg = loadEcg(hea.path.replace(/\.hea$/, ''));
    const lines = [['time', ...ecg.leads.map((l, i) => `${l} (${ecg.units[i] ?? 'mV'})`)].join(',')];
    for (let k = 0; k < ecg.signals[0]!.length; k++)
      lines.push([(k / ecg.fs).toFixed(4), ...ecg.signals.map((s) => s[k]!.toFixed(4))].join(','));
    csvPath = join(service.dir, `${other.base}.csv`);
    writeFileSync(csvPath, lines.join('\n') + '\n');

    browser = await launch();
    ({ page } = await openServicePage(browser, service.url, offOrigin));
  }, 600_000);

  afterAll(async () => {
    await browser?.close();
    await service?.stop();
    tiny?.cleanup();
  });

  it('signs the clinician in and shows the worklist', async () => {
    await page.goto(service.url + '/');
    await page.waitForSelector('form.login');
    await screenshot(page, '01-login');
    await noAxeProblems(page, 'login');
    await signIn(page, CLINICIAN);
    await page.waitForSelector('table.worklist tbody tr');
    expect(await page.locator('table.worklist tbody tr').count()).toBe(9);
    await page.waitForFunction(() => !document.querySelector('table.worklist tbody')?.textContent?.includes('…'));
    await screenshot(page, '02-worklist');
    await docsScreenshot(page, 'worklist');
    await noAxeProblems(page, 'worklist');
    // Keyboard: j moves down, Enter opens, n opens the next unread case.
    await page.locator('table.worklist tbody tr').first().focus();
    await page.keyboard.press('j');
    const focused = await page.evaluate(() =>
      Array.from(document.querySelectorAll('table.worklist tbody tr')).indexOf(document.activeElement as Element),
    );
    expect(focused).toBe(1);
    const second = await page.locator('table.worklist tbody tr').nth(1).locator('a').getAttribute('href');
    const third = await page.locator('table.worklist tbody tr').nth(2).locator('a').getAttribute('href');
    await page.keyboard.press('Enter');
    await page.waitForURL((u) => u.hash === second);
    await page.waitForSelector('.ecg-canvas');
    await page.keyboard.press('n');
    await page.waitForURL((u) => u.hash === third);
  });

  it(
    'uploads a WFDB record with its clinical form, explaining a bad ' + 'value in place, and shows the measurements',
    async () => {
      await page.getByRole('link', { name: 'New case' }).first().click();
      await page.waitForSelector('form.new-case');
      await page.setInputFiles(
        '#nc-files',
        query.files.map((f) => f.path),
      );
      await page.getByLabel('Short title').fill('Query WFDB');
      await page.getByLabel('Patient key (for comparing with earlier ECGs)').fill('P-0042');
      await page.getByLabel('Age (years)').fill('40');
      await page.getByLabel('Age (years)').blur();
      await expect
        .poll(() => page.locator('#cf-age_years-error').textContent())
        .toContain('outside the plausible range');
      await screenshot(page, '03-new-case-error');
      await noAxeProblems(page, 'new case');
      await page.getByLabel('Age (years)').fill(String(query.ageYears ?? 6));
      if (query.sex) await page.getByLabel('Sex').selectOption(query.sex);
      await page.getByRole('button', { name: 'Upload' }).click();
      await page.waitForSelector('table.measurements', { timeout: 120_000 });
      const hr = await page.locator('table.measurements tbody tr').first().textContent();
      expect(hr).toMatch(/Heart rate\s*\d+ bpm/);
      await page.waitForSelector('#median-h');
      // Calipers 25 mm apart at 25 mm/s read one second: 1000 ms, 60 bpm.
      await page.getByRole('button', { name: 'Calipers' }).click();
      const mm = 96 / 25.4;
      const canvas = page.locator('.ecg-canvas').first();
      await canvas.click({ position: { x: 30 * mm, y: 16 * mm } });
      await canvas.click({ position: { x: 55 * mm, y: 6 * mm } });
      const reading = await page.locator('.caliper-readout').textContent();
      expect(reading).toMatch(/: 1000 ms \(60 bpm\), \+1\.00 mV/);
      await screenshot(page, '04-case-measurements');
      await noAxeProblems(page, 'case');
    },
  );

  it('predicts against the ward bank and shows the classes, the evidence and what the model is not', async () => {
    await page.getByRole('button', { name: 'Predict' }).click();
    await page.waitForSelector('section.prediction', { timeout: 120_000 });
    const probs = await page.locator('table.probs tbody th').allTextContents();
    expect(probs.join(' ')).toMatch(/nsr/);
    expect(probs.join(' ')).toMatch(/svt/);
    expect(probs.join(' ')).not.toMatch(/jet/);
    await expect.poll(() => page.locator('.disclaimer').textContent()).toContain('not a diagnosis');
    await page.waitForSelector('#near-h');
    await page.waitForFunction(() => document.querySelectorAll('figure.strip').length >= 2, null, { timeout: 60_000 });
    await screenshot(page, '05-prediction');
  });

  it('uploads a CSV record too', async () => {
    await page.goto(service.url + '/#/new');
    await page.waitForSelector('form.new-case');
    await page.setInputFiles('#nc-files', [csvPath]);
    await page.getByLabel('Short title').fill('CSV strip');
    await page.getByRole('button', { name: 'Upload' }).click();
    await page.waitForSelector('table.measurements', { timeout: 120_000 });
    expect(await page.locator('.case-meta').textContent()).toContain('CSV');
  });

  it('teaches a new class from three cases and shows how recent predictions move', async () => {
    await page.goto(service.url + '/#/banks');
    await page.waitForSelector('form.teach');
    for (const id of teachIds) {
      const row = page
        .locator('form.teach tbody tr', { hasText: `teach ` })
        .filter({ has: page.locator(`input[value="${id}"]`) });
      await row.locator('input[type=checkbox]').check();
    }
    await page.getByLabel('Class name').fill(teachClass);
    await page.getByRole('button', { name: 'Enrol' }).click();
    await page.waitForSelector('form.teach .notice.ok', { timeout: 120_000 });
    expect(await page.locator('form.teach .notice.ok').textContent()).toContain(`3 examples of “${teachClass}”`);
    await page.waitForSelector('form.teach table caption:has-text("moved")', { timeout: 120_000 });
    await screenshot(page, '06-teach');
    await page.locator('form.teach').scrollIntoViewIfNeeded();
    await page.locator('#teach-name').scrollIntoViewIfNeeded();
    await docsScreenshot(page, 'teach-a-class');
    await noAxeProblems(page, 'banks');
    expect(await page.locator('table caption:has-text("Prototype banks") ~ tbody').textContent()).toContain('v4');
    await page.getByRole('link', { name: 'Open Ward bank' }).click();
    await page.waitForSelector('ol.versions li');
    expect(await page.locator('ol.versions li').count()).toBe(4);
    expect(await page.locator('ul.classes').textContent()).toContain(`(${teachClass}): 3 examples`);
    await screenshot(page, '06b-bank');
    await noAxeProblems(page, 'bank');
  });

  it('predicts again, sees the new class, and confirms with a note', async () => {
    await page.goto(service.url + '/#/');
    await page.waitForSelector('table.worklist tbody tr');
    await page.getByRole('link', { name: 'Query WFDB' }).click();
    await page.getByRole('button', { name: 'Predict' }).click();
    await page.waitForFunction(
      (cls) =>
        Array.from(document.querySelectorAll('table.probs tbody th')).some((th) => th.textContent?.includes(cls)),
      teachClass,
      { timeout: 120_000 },
    );
    await page.waitForFunction(() => document.querySelectorAll('figure.strip').length >= 2, null, { timeout: 60_000 });
    await screenshot(page, '07-prediction-after-teaching');
    await page.setViewportSize({ width: 1400, height: 1450 });
    await page.evaluate(() => window.scrollTo(0, 0));
    await docsScreenshot(page, 'viewer-with-prediction');
    await page.setViewportSize({ width: 1400, height: 1000 });
    await page.getByLabel('Note').fill('Narrow-complex tachycardia with AV dissociation; agree.');
    await page.getByRole('button', { name: 'Save review' }).click();
    await page.waitForSelector('#rev-h ~ p:has-text("Confirmed")', { timeout: 60_000 });
    await screenshot(page, '08-confirmed');
    await noAxeProblems(page, 'case with prediction');
  });

  it('keeps a clinician out of the audit log, in the page and in the API', async () => {
    expect(await page.locator('header nav a', { hasText: 'Audit log' }).count()).toBe(0);
    await page.goto(service.url + '/#/audit');
    await page.waitForSelector('text=Only administrators can open this page.');
    await screenshot(page, '09-clinician-audit-refused');
    const status = await page.evaluate(async () => (await fetch('/api/audit')).status);
    expect(status).toBe(403);
  });

  it('shows the admin every prediction, bank change and review in the audit log', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForSelector('form.login');
    await signIn(page, ADMIN);
    await page.waitForSelector('table.worklist');
    await page.getByRole('link', { name: 'Audit log' }).click();
    await page.waitForSelector('table.audit tbody tr');
    const actions = await page.locator('table.audit tbody tr td:nth-child(3)').allTextContents();
    for (const a of ['login', 'upload', 'prediction', 'review']) expect(actions).toContain(a);
    expect(actions.some((a) => a.startsWith('bank'))).toBe(true);
    await screenshot(page, '10-audit');
    await noAxeProblems(page, 'audit');
    await page.getByLabel('Action').fill('review');
    await page.getByRole('button', { name: 'Filter' }).click();
    await expect
      .poll(async () => new Set(await page.locator('table.audit tbody tr td:nth-child(3)').allTextContents()))
      .toEqual(new Set(['review']));
  });

  it('made no request to anything but the service', () => {
    expect(offOrigin).toEqual([]);
  });
});
