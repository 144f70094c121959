/**
 * Starts `fewbeat serve` for the browser tests: a small trained model (the service's own test model), a temporary
 * SQLite database, a free loopback port, and a known admin password. Talks to it over HTTP as a script would.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { REPO_ROOT } from './browser.js';

export const ADMIN = { username: 'admin', password: 'admin-e2e-password-1' };
export const CLINICIAN = { username: 'dr.lee', password: 'clinician-e2e-pass-1' };
export const hasBuiltCli = existsSync(join(REPO_ROOT, 'dist', 'cli', 'main.js'));

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

export interface RunningService {
  url: string;
  dir: string;
  log: () => string;
  stop: () => Promise<void>;
}

/** `fewbeat serve` on `modelDir`, with `extraArgs` (e.g. `--archive INDEX`) after the usual ones. */
export async function startService(modelDir: string, extraArgs: readonly string[] = []): Promise<RunningService> {
  const dir = mkdtempSync(join(tmpdir(), 'fewbeat-e2e-'));
  const port = await freePort();
  let out = '';
  const child: ChildProcess = spawn(
    process.execPath,
    [
      join(REPO_ROOT, 'bin', 'fewbeat.js'),
      'serve',
      '--model',
      modelDir,
      '--db',
      `sqlite:${join(dir, 'fewbeat.sqlite')}`,
      '--port',
      String(port),
      '--data',
      join(dir, 'data'),
      '--host',
      '127.0.0.1',
      '--threads',
      '1',
      ...extraArgs,
    ],
    {
      env: { ...process.env, FEWBEAT_ADMIN_PASSWORD: ADMIN.password, FEWBEAT_LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 90_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`fewbeat serve exited ${child.exitCode}:\n${out}`);
    try {
      const r = await fetch(`${url}/api/health`);
      if (r.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`fewbeat serve did not answer in 90 s:\n${out}`);
    await new Promise((r) => setTimeout(r, 300));
  }
  return {
    url,
    dir,
    log: () => out,
    stop: async () => {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await new Promise((r) => child.once('exit', r));
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A signed-in HTTP client (cookie session with its CSRF token), for preparing data as a script would. */
export class ApiSession {
  private cookie = '';
  private csrf = '';
  constructor(private readonly url: string) {}

  async login(user: { username: string; password: string }): Promise<void> {
    const r = await fetch(`${this.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(user),
    });
    if (!r.ok) throw new Error(`login ${r.status}: ${await r.text()}`);
    this.cookie = r.headers
      .getSetCookie()
      .map((c) => c.split(';')[0])
      .join('; ');
    this.csrf = ((await r.json()) as { csrfToken: string }).csrfToken;
  }

  async json<T>(method: string, path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = { cookie: this.cookie, 'x-csrf-token': this.csrf };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const r = await fetch(`${this.url}${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!r.ok) throw new Error(`${method} ${path} ${r.status}: ${await r.text()}`);
    return (r.status === 204 ? undefined : await r.json()) as T;
  }

  /** Uploads the files of one record as a case; returns its id. */
  async upload(files: string[], fields: Record<string, string>): Promise<string> {
    const form = new FormData();
    for (const [k, v] of Object.entries(fields)) form.append(k, v);
    for (const f of files) form.append('files', new Blob([readFileSync(f)]), basename(f));
    const r = await fetch(`${this.url}/api/cases`, {
      method: 'POST',
      headers: { cookie: this.cookie, 'x-csrf-token': this.csrf },
      body: form,
    });
    if (!r.ok) throw new Error(`upload ${files.map((f) => basename(f)).join('+')} ${r.status}: ${await r.text()}`);
    return ((await r.json()) as { id: string }).id;
  }
}
