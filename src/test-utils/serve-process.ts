import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** A `fewbeat serve` running as a child process, listening on a free loopback port. */
export interface ServeProcess {
  child: ChildProcess;
  pid: number;
  /** `http://127.0.0.1:<port>` */
  base: string;
  /** Resolves when the process has ended (with its exit code or the signal that ended it). */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** What it wrote to stderr so far. */
  stderr: () => string;
}

/**
 * Start `fewbeat serve` as the command line does (`bin` from `buildCliForChildProcess`), on port 0
 * (a free port) of 127.0.0.1 with one model thread, and wait for the line naming its address. The
 * first admin's password is `FEWBEAT_ADMIN_PASSWORD` (`adminPassword`).
 */
export function startServeProcess(
  bin: string,
  o: { model: string; data: string; db: string; adminPassword: string; timeoutMs?: number },
): Promise<ServeProcess> {
  const child = spawn(
    process.execPath,
    [bin, 'serve', '--model', o.model, '--data', o.data, '--db', o.db, '--port', '0', '--threads', '1'],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, FEWBEAT_ADMIN_PASSWORD: o.adminPassword, FEWBEAT_LOG_LEVEL: 'warn' },
    },
  );
  let stdout = '';
  let stderr = '';
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) =>
    child.on('close', (code, signal) => done({ code, signal })),
  );
  return new Promise((resolvePromise, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`fewbeat serve did not start within ${o.timeoutMs ?? 60_000} ms: ${stderr}`));
    }, o.timeoutMs ?? 60_000);
    child.stderr!.on('data', (c: Buffer) => {
      stderr += c.toString();
    });
    child.stdout!.on('data', (c: Buffer) => {
      stdout += c.toString();
      const m = /^fewbeat serve: (http:\/\/\S+)/m.exec(stdout);
      if (m) {
        clearTimeout(timer);
        resolvePromise({ child, pid: child.pid!, base: m[1] as string, exited, stderr: () => stderr });
      }
    });
    void exited.then((e) => {
      clearTimeout(timer);
      reject(new Error(`fewbeat serve ended (${e.code ?? e.signal}) before listening: ${stderr}`));
    });
  });
}

/** Resident set size of a process in MiB (Linux `/proc`). */
export function rssMiB(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : Number.NaN;
}
