import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCliForChildProcess } from '../../test-utils/cli-process.js';
import { ServiceClient } from '../../test-utils/service-client.js';
import { rssMiB, startServeProcess, type ServeProcess } from '../../test-utils/serve-process.js';
import { tinyModel, type TinyRecord } from '../../test-utils/tiny-model.js';
import { median } from '../../util/median.js';
import { Rng } from '../../util/rng.js';

/**
 * The soak test: `fewbeat serve`, started as the command line starts it, on SQLite, with clients on
 * loopback running predictions (with occlusion), uploads and bank edits for `SOAK_SECONDS` (60 in
 * `npm test`; `npm run soak` runs 30 minutes). No request may fail and the server may log no error;
 * in runs of at least 5 minutes the server's resident memory (main thread and model worker together),
 * sampled every second, may grow by less than 10 % from just after the warm-up (the first sixth of
 * the run, at least 30 s) to the end, each end taken as the median of its five samples. Every run checks
 * that each model worker's live tensor count (`/api/health`) is the same at the end as after the warm-up. The 60-s run
 * prints its memory curve without judging it: inside the full test suite the heap was still climbing
 * at 60 s (304 → 489 MiB) where a run on its own had levelled off after 25 s.
 */
const SECONDS = Number(process.env.SOAK_SECONDS ?? 60);
// At a few hundred requests per second the server's heap grows for about 25 s before the garbage
// collector holds it level (a 150-s run: 325, 356, 357, 353, 342, 372, 389, 384, 342, 341 MiB every 15 s).
const WARM_UP_SECONDS = Math.max(30, SECONDS / 6);
/** Shortest run whose memory growth is judged. */
const JUDGED_SECONDS = 300;
const CLIENTS = 4;
const ADMIN_PASSWORD = 'admin-password-1';

interface Bank {
  id: string;
  examples: Array<{ caseId: string; class: string }>;
}

describe('fewbeat serve under a steady load', () => {
  let tiny: Awaited<ReturnType<typeof tinyModel>>;
  let cli: { root: string; bin: string };
  let dataDir = '';
  let server: ServeProcess | null = null;

  beforeAll(async () => {
    [tiny, cli] = await Promise.all([tinyModel(), buildCliForChildProcess()]);
    dataDir = mkdtempSync(join(tmpdir(), 'fewbeat-soak-'));
    server = await startServeProcess(cli.bin, {
      model: tiny.modelDir,
      data: dataDir,
      db: `sqlite:${join(dataDir, 'fewbeat.db')}`,
      adminPassword: ADMIN_PASSWORD,
    });
  }, 300_000);
  afterAll(async () => {
    server?.child.kill('SIGTERM');
    await server?.exited;
    tiny?.cleanup();
    if (cli) rmSync(cli.root, { recursive: true, force: true });
    rmSync(dataDir, { recursive: true, force: true });
  });

  it(
    `answers predictions, uploads and bank edits for ${SECONDS} s without an error` +
      (SECONDS >= JUDGED_SECONDS ? ' or memory growth' : ''),
    async () => {
      const s = server as ServeProcess;
      const client = await new ServiceClient(s.base).signIn('admin', ADMIN_PASSWORD);
      const rng = new Rng(5);
      const pick = (): TinyRecord => tiny.records[rng.int(0, tiny.records.length - 1)]!;
      const upload = async (r: TinyRecord, label: string): Promise<string> => {
        const up = await client.uploadRecord(r, label);
        expect(up.status, JSON.stringify(up.body)).toBe(201);
        return up.body.id;
      };
      const support = [];
      for (const label of ['nsr', 'chb', 'jet'])
        for (const r of tiny.records.filter((x) => x.label === label).slice(0, 2))
          support.push({ caseId: await upload(r, `support ${label}`), class: label });
      const created = await client.call<Bank>('POST', '/api/banks', { name: 'soak bank', examples: support });
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      const bankId = created.body.id;
      const queries: string[] = [];
      for (let q = 0; q < 8; q++) queries.push(await upload(pick(), `query ${q}`));
      const own: Array<{ caseId: string; class: string }> = [];
      for (let c = 0; c < CLIENTS; c++) {
        const r = tiny.records.filter((x) => x.label === 'vt')[c % 2]!;
        own.push({ caseId: await upload(r, `editable ${c}`), class: 'vt' });
      }

      const counts = { prediction: 0, upload: 0, edit: 0 };
      const latencies: Record<keyof typeof counts, number[]> = { prediction: [], upload: [], edit: [] };
      const errors: string[] = [];
      const samples: Array<{ t: number; rss: number }> = [];
      const started = performance.now();
      const elapsed = (): number => (performance.now() - started) / 1000;
      type Workers = Array<{ thread: number; tensors: number }>;
      const workerTensors = async (): Promise<Workers> =>
        (await client.call<{ workers: Workers }>('GET', '/api/health')).body.workers;
      let tensorsAfterWarmUp: Promise<Workers> | null = null;
      const sampler = setInterval(() => {
        samples.push({ t: elapsed(), rss: rssMiB(s.pid) });
        if (elapsed() >= WARM_UP_SECONDS) tensorsAfterWarmUp ??= workerTensors();
      }, 1000);

      const run = async (c: number): Promise<void> => {
        const mine = own[c]!;
        let inBank = false;
        for (let n = 0; elapsed() < SECONDS; n++) {
          const u = rng.uniform(0, 1);
          const kind: keyof typeof counts = u < 0.5 ? 'prediction' : u < 0.75 ? 'upload' : 'edit';
          const t0 = performance.now();
          let answer;
          try {
            if (kind === 'prediction')
              answer = await client.call('POST', `/api/cases/${queries[rng.int(0, queries.length - 1)]!}/predictions`, {
                bankId,
              });
            else if (kind === 'upload') answer = await client.uploadRecord(pick(), `soak ${c} ${n}`);
            else {
              answer = inBank
                ? await client.call('DELETE', `/api/banks/${bankId}/examples/${mine.caseId}`)
                : await client.call('POST', `/api/banks/${bankId}/examples`, mine);
              if (answer.status < 300) inBank = !inBank;
            }
          } catch (e) {
            errors.push(`${kind}: ${(e as Error).message}`);
            continue;
          }
          if (answer.status >= 300) errors.push(`${kind}: ${answer.status} ${JSON.stringify(answer.body)}`);
          counts[kind]++;
          latencies[kind].push(performance.now() - t0);
        }
      };
      await Promise.all(Array.from({ length: CLIENTS }, (_, c) => run(c)));
      clearInterval(sampler);
      const tensorsAtEnd = await workerTensors();
      const tensorsWarm = (await (tensorsAfterWarmUp ?? workerTensors())) as Workers;

      const after = samples.filter((x) => x.t >= WARM_UP_SECONDS).map((x) => x.rss);
      const baseline = median(after.slice(0, 5));
      const end = median(after.slice(-5));
      const growth = end / baseline - 1;
      const curve = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1].map((f) => {
        const x = samples[Math.min(samples.length - 1, Math.floor(f * samples.length) - 1)]!;
        return `${Math.round(x.t)} s ${Math.round(x.rss)}`;
      });
      const p = (kind: keyof typeof counts, q: number): number =>
        Math.round([...latencies[kind]].sort((a, b) => a - b)[Math.floor(q * (latencies[kind].length - 1))] ?? NaN);
      console.log(
        `soak ${SECONDS} s, ${CLIENTS} clients: ${counts.prediction} predictions (p50 ${p('prediction', 0.5)} ms, ` +
          `p95 ${p('prediction', 0.95)}), ${counts.upload} uploads (p50 ${p('upload', 0.5)}), ${counts.edit} bank ` +
          `edits (p50 ${p('edit', 0.5)}); ${errors.length} errors; RSS ${baseline.toFixed(0)} MiB after the ` +
          `${WARM_UP_SECONDS.toFixed(0)}-s warm-up, ${end.toFixed(0)} MiB at the end ` +
          `(${(100 * growth).toFixed(1)} %); ` +
          `RSS MiB over time: ${curve.join(', ')}; live tensors per model worker after the warm-up ` +
          `${tensorsWarm.map((w) => w.tensors).join(', ')}, ` +
          `at the end ${tensorsAtEnd.map((w) => w.tensors).join(', ')}`,
      );
      expect(errors).toEqual([]);
      expect(s.stderr()).not.toMatch(/"level":(50|60)/);
      expect(counts.prediction).toBeGreaterThan(0);
      expect(counts.upload).toBeGreaterThan(0);
      expect(counts.edit).toBeGreaterThan(0);
      expect(tensorsAtEnd.length).toBeGreaterThan(0);
      expect(tensorsAtEnd).toEqual(tensorsWarm);
      if (SECONDS >= JUDGED_SECONDS) expect(growth).toBeLessThan(0.1);
    },
    SECONDS * 1000 + 300_000,
  );
});
