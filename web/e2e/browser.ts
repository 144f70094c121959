/**
 * Test helpers for the browser tests: Debian's Chromium driven by playwright-core (never a downloaded browser), a
 * static server for the built web app, and screenshots under out/screenshots/.
 */
import { existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, extname, join, normalize, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const WEB_DIST = join(REPO_ROOT, 'dist', 'web');
export const CHROMIUM = '/usr/bin/chromium';
export const hasChromium = existsSync(CHROMIUM);
export const SCREENSHOTS = join(REPO_ROOT, 'out', 'screenshots');

if (!hasChromium) console.warn(`browser tests skipped: ${CHROMIUM} is absent (apt-get install chromium)`);

export function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-background-networking', '--disable-dev-shm-usage'],
  });
}

/** Fails the test on any request that leaves the origin under test (the app talks only to its service). */
export function guardRequests(page: Page, origin: string, seen: string[]): void {
  page.on('request', (r) => {
    const u = r.url();
    if (!u.startsWith(origin) && !u.startsWith('data:') && !u.startsWith('blob:')) seen.push(u);
  });
}

/**
 * A page in a fresh context (1400 × 1000) for the service at `origin`, with requests leaving it collected in
 * `offOrigin`. bypassCSP lets the tests inject axe-core into pages the service serves under a strict script CSP.
 */
export async function openServicePage(
  browser: Browser,
  origin: string,
  offOrigin: string[],
  options: { acceptDownloads?: boolean } = {},
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport: { width: 1400, height: 1000 }, bypassCSP: true, ...options });
  const page = await context.newPage();
  guardRequests(page, origin, offOrigin);
  return { context, page };
}

/** On the sign-in form: fill in `user`'s name and password and sign in (the caller waits for the page it expects). */
export async function signIn(page: Page, user: { username: string; password: string }): Promise<void> {
  await page.getByLabel('User name').fill(user.username);
  await page.getByLabel('Password').fill(user.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const path = join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

/**
 * With FEWBEAT_DOCS_SCREENSHOTS=1, also saves the visible part of the page (not the full length) to
 * docs/screenshots/NAME.png, for the README.
 */
export async function docsScreenshot(page: Page, name: string): Promise<void> {
  if (!process.env.FEWBEAT_DOCS_SCREENSHOTS) return;
  const dir = join(REPO_ROOT, 'docs', 'screenshots');
  mkdirSync(dir, { recursive: true });
  await page.screenshot({ path: join(dir, `${name}.png`) });
}

const TYPES: Record<string, string> = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.map': 'application/json',
  '.svg': 'image/svg+xml',
};

/** Serves the built web app (dist/web) on a free loopback port, for pages that need no service. */
export async function serveStatic(root = WEB_DIST): Promise<{ url: string; close: () => Promise<void> }> {
  const server: Server = createServer((req, res) => {
    const path = normalize(decodeURIComponent((req.url ?? '/').split('?')[0]!)).replace(/^(\.\.[/\\])+/, '');
    let file = join(root, path);
    if (!file.startsWith(root) || !existsSync(file) || statSync(file).isDirectory()) file = join(root, 'index.html');
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
    res.end(readFileSync(file));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise((r) => server.close(() => r())) };
}

/**
 * Injects axe-core into the page and returns the serious and critical violations (rule id, impact, and the first
 * offending element of each).
 */
export async function axeViolations(page: Page): Promise<string[]> {
  const source = readFileSync(join(REPO_ROOT, 'node_modules', 'axe-core', 'axe.min.js'), 'utf8');
  await page.addScriptTag({ content: source });
  const found = await page.evaluate(async () => {
    const axe = (globalThis as unknown as { axe: { run: (ctx: Document) => Promise<{ violations: AxeV[] }> } }).axe;
    type AxeV = { id: string; impact: string | null; nodes: { target: unknown[] }[]; help: string };
    const r = await axe.run(document);
    return r.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      target: JSON.stringify(v.nodes[0]?.target),
    }));
  });
  return found
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.impact} ${v.id}: ${v.help} at ${v.target}`);
}
