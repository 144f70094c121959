import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Rng } from '../util/rng.js';

/**
 * `npm run bench:serve`: drive a running `fewbeat serve` on loopback the way a ward would. The
 * service is started on the demo model with a fresh SQLite data folder; 15 support cases (3 per
 * novel class) and 20 query cases of the demo cohort are uploaded through the API and a bank is
 * enrolled; then `--clients` concurrent clients (default 50) run for `--seconds` (default 60),
 * each sending, one after another, a prediction with occlusion (30 %) or a case read (70 %: the case,
 * its predictions, or the case list). Reported: latency percentiles per kind, errors, throughput, and
 * the server's resident memory after the warm-up and at the end. First predictions of each query
 * case ("cold", one at a time, before the load) are reported apart: under load, repeated
 * predictions of the same case and bank version share the service's memo of recent results.
 */
interface Options {
  model: string;
  cohort: string;
  seconds: number;
  warmup: number;
  clients: number;
  threads: number | null;
  /** Write the server's CPU profiles (main thread and workers, `node --cpu-prof`) to this folder. */
  cpuProf: string | null;
}

const percentile = (sorted: readonly number[], p: number): number =>
  sorted.length === 0 ? Number.NaN : (sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] as number);

function summary(ms: number[]): { n: number; p50: number; p95: number; p99: number; max: number } {
  const s = [...ms].sort((a, b) => a - b);
  const r = (v: number): number => Math.round(v * 10) / 10;
  return {
    n: s.length,
    p50: r(percentile(s, 0.5)),
    p95: r(percentile(s, 0.95)),
    p99: r(percentile(s, 0.99)),
    max: r(s[s.length - 1] ?? NaN),
  };
}

/**
 * CPU seconds a process has used so far, all its threads (user + system; /proc/PID/stat, 100 ticks a
 * second), or only its main thread (the one that runs every HTTP request) with `mainThread`.
 */
function cpuSeconds(pid: number, mainThread = false): number {
  const fields = readFileSync(mainThread ? `/proc/${pid}/task/${pid}/stat` : `/proc/${pid}/stat`, 'utf8')
    .replace(/^.*\) /, '')
    .split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

function rssMb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Math.round(Number(m[1]) / 1024) : Number.NaN;
}

async function startServer(o: Options, dataDir: string): Promise<{ child: ChildProcess; base: string }> {
  const port = 20000 + (process.pid % 20000);
  const child = spawn(
    process.execPath,
    [
      ...(o.cpuProf ? ['--cpu-prof', '--cpu-prof-dir', o.cpuProf] : []),
      'bin/fewbeat.js',
      'serve',
      '--model',
      o.model,
      '--data',
      dataDir,
      '--port',
      String(port),
      ...(o.threads ? ['--threads', String(o.threads)] : []),
    ],
    {
      env: { ...process.env, FEWBEAT_ADMIN_PASSWORD: 'bench-admin-password', FEWBEAT_LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const base = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (d: Buffer) => {
      out += String(d);
      const m = /fewbeat serve: (http:\/\/\S+)/.exec(out);
      if (m) resolve(m[1] as string);
    });
    child.on('exit', (code) => reject(new Error(`fewbeat serve exited with ${code}: ${out}`)));
  });
  return { child, base };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      model: { type: 'string', default: 'out/demo/model' },
      cohort: { type: 'string', default: 'out/demo/cohort' },
      seconds: { type: 'string', default: '60' },
      warmup: { type: 'string', default: '10' },
      clients: { type: 'string', default: '50' },
      threads: { type: 'string' },
      'cpu-prof': { type: 'string' },
    },
  });
  const o: Options = {
    model: values.model,
    cohort: values.cohort,
    seconds: Number(values.seconds),
    warmup: Number(values.warmup),
    clients: Number(values.clients),
    threads: values.threads === undefined ? null : Number(values.threads),
    cpuProf: values['cpu-prof'] ?? null,
  };
  const dataDir = mkdtempSync(join(tmpdir(), 'fewbeat-bench-serve-'));
  const { child, base } = await startServer(o, dataDir);
  try {
    const api = async (method: string, path: string, token: string | null, body?: unknown): Promise<Response> =>
      fetch(`${base}${path}`, {
        method,
        headers: {
          ...(token ? { authorization: `Bearer ${token}` } : {}),
          ...(body !== undefined && !(body instanceof FormData) ? { 'content-type': 'application/json' } : {}),
        },
        ...(body === undefined ? {} : { body: body instanceof FormData ? body : JSON.stringify(body) }),
      });
    const login = await api('POST', '/api/auth/login', null, { username: 'admin', password: 'bench-admin-password' });
    const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] as string;
    const { csrfToken } = (await login.json()) as { csrfToken: string };
    const tokenRes = await fetch(`${base}/api/auth/tokens`, {
      method: 'POST',
      headers: { cookie, 'x-csrf-token': csrfToken, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'bench', days: 1 }),
    });
    const { token } = (await tokenRes.json()) as { token: string };

    const lines = readFileSync(join(o.cohort, 'manifest.csv'), 'utf8').trim().split('\n');
    const header = (lines[0] as string).split(',');
    const rows = lines.slice(1).map((l) => {
      const c = l.split(',');
      return {
        record: c[header.indexOf('record')] as string,
        label: c[header.indexOf('label')] as string,
        age: c[header.indexOf('age_years')],
        sex: c[header.indexOf('sex')],
      };
    });
    const novel = (JSON.parse(readFileSync(join(o.model, 'config.json'), 'utf8')) as { classes: { novel: string[] } })
      .classes.novel;
    const uploadRow = async (r: (typeof rows)[number]): Promise<string> => {
      const form = new FormData();
      for (const ext of ['hea', 'dat'])
        form.append(
          'files',
          new Blob([readFileSync(join(o.cohort, `${r.record}.${ext}`))]),
          `${r.record.split('/').pop()}.${ext}`,
        );
      form.append('clinical', JSON.stringify({ age_years: r.age ? Number(r.age) : null, sex: r.sex || null }));
      const res = await api('POST', '/api/cases', token, form);
      if (res.status !== 201) throw new Error(`upload ${r.record}: ${res.status} ${await res.text()}`);
      return ((await res.json()) as { id: string }).id;
    };
    const examples: Array<{ caseId: string; class: string }> = [];
    const queries: string[] = [];
    for (const cls of novel) {
      const of = rows.filter((r) => r.label === cls);
      for (const r of of.slice(0, 3)) examples.push({ caseId: await uploadRow(r), class: cls });
      for (const r of of.slice(3, 7)) queries.push(await uploadRow(r));
    }
    const bankRes = await api('POST', '/api/banks', token, { name: 'demo bank', examples });
    if (bankRes.status !== 201) throw new Error(`bank: ${bankRes.status} ${await bankRes.text()}`);
    const bankId = ((await bankRes.json()) as { id: string }).id;

    const cold: number[] = [];
    for (const q of queries) {
      const t0 = performance.now();
      const res = await api('POST', `/api/cases/${q}/predictions`, token, { bankId, explain: true });
      await res.arrayBuffer();
      if (res.status !== 201) throw new Error(`prediction: ${res.status}`);
      cold.push(performance.now() - t0);
    }

    const run = async (seconds: number, seed: number) => {
      const lat: Record<string, number[]> = { prediction: [], case: [], casePredictions: [], caseList: [] };
      const errors: Record<string, number> = {};
      const until = performance.now() + seconds * 1000;
      const client = async (i: number): Promise<void> => {
        const rng = new Rng(seed * 1000 + i);
        while (performance.now() < until) {
          const u = rng.next();
          const q = queries[Math.floor(rng.next() * queries.length)] as string;
          const [kind, req] =
            u < 0.3
              ? ([
                  'prediction',
                  () => api('POST', `/api/cases/${q}/predictions`, token, { bankId, explain: true }),
                ] as const)
              : u < 0.65
                ? (['case', () => api('GET', `/api/cases/${q}`, token)] as const)
                : u < 0.85
                  ? (['casePredictions', () => api('GET', `/api/cases/${q}/predictions`, token)] as const)
                  : (['caseList', () => api('GET', '/api/cases?limit=50', token)] as const);
          const t0 = performance.now();
          try {
            const res = await req();
            await res.arrayBuffer();
            if (res.status >= 400) errors[`${kind} ${res.status}`] = (errors[`${kind} ${res.status}`] ?? 0) + 1;
            else lat[kind]?.push(performance.now() - t0);
          } catch (e) {
            errors[`${kind} ${(e as Error).message}`] = (errors[`${kind} ${(e as Error).message}`] ?? 0) + 1;
          }
        }
      };
      await Promise.all(Array.from({ length: o.clients }, (_, i) => client(i)));
      return { lat, errors };
    };
    await run(o.warmup, 1);
    const rssAfterWarmup = rssMb(child.pid as number);
    const rssSamples: number[] = [];
    const sampler = setInterval(() => rssSamples.push(rssMb(child.pid as number)), 1000);
    const t0 = performance.now();
    const serverCpu0 = cpuSeconds(child.pid as number);
    const mainCpu0 = cpuSeconds(child.pid as number, true);
    const clientCpu0 = process.cpuUsage();
    const { lat, errors } = await run(o.seconds, 2);
    const elapsed = (performance.now() - t0) / 1000;
    const serverCpu = cpuSeconds(child.pid as number) - serverCpu0;
    const mainCpu = cpuSeconds(child.pid as number, true) - mainCpu0;
    const clientCpuUsage = process.cpuUsage(clientCpu0);
    const clientCpu = (clientCpuUsage.user + clientCpuUsage.system) / 1e6;
    clearInterval(sampler);
    const total = Object.values(lat).reduce((n, l) => n + l.length, 0);
    const report = {
      clients: o.clients,
      seconds: Math.round(elapsed),
      requests: total,
      requestsPerSecond: Math.round(total / elapsed),
      errors,
      latencyMs: Object.fromEntries(Object.entries(lat).map(([k, v]) => [k, summary(v)])),
      coldPredictionMs: summary(cold),
      rssMb: { afterWarmup: rssAfterWarmup, end: rssMb(child.pid as number), max: Math.max(...rssSamples) },
      // CPU time during the measured run: the server's (main thread and model workers) and this driver's own
      // (50 HTTP clients on the same cores), and the machine's load average: the figures above depend on it.
      cpuSeconds: {
        server: Math.round(serverCpu * 10) / 10,
        serverMainThread: Math.round(mainCpu * 10) / 10,
        client: Math.round(clientCpu * 10) / 10,
      },
      serverCpuMsPerRequest: {
        all: Math.round((serverCpu / total) * 1e4) / 10,
        mainThread: Math.round((mainCpu / total) * 1e4) / 10,
      },
      loadAverage: loadavg().map((l) => Math.round(l * 100) / 100),
      queries: queries.length,
      bankExamples: examples.length,
    };
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
