import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { listArchiveUnits } from '../archive/archive-units.js';
import { buildIndex } from '../archive/build-index.js';
import { runIndexCoordinator } from '../archive/index-coordinator.js';
import { queueConnection } from '../archive/index-queue.js';
import { readModelDir } from '../model-dir/model-dir.js';
import { initBackend } from '../runtime/backend.js';
import { DEFAULT_COHORT_OPTIONS } from '../synth/cohort.js';
import { writeSyntheticCohort } from '../synth/write-synthetic-cohort.js';
import { median } from './timing.js';

/** The `fewbeat` command of this package (run from `dist/bench/`). */
const BIN = fileURLToPath(new URL('../../bin/fewbeat.js', import.meta.url));

/** CPU milliseconds (user + system) a Linux process has used so far, from /proc/PID/stat (clock ticks of 10 ms). */
function processCpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8')
    .replace(/^.*\) /, '')
    .split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/** Start `fewbeat worker` and resolve once it waits for jobs. */
function startWorker(url: string, prefix: string): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, 'worker', '--queue', url, '--queue-prefix', prefix], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      if (stderr.includes('waiting for jobs')) resolve(child);
    });
    child.on('close', (code) => reject(new Error(`fewbeat worker exited with code ${code}: ${stderr}`)));
  });
}

/**
 * Throughput of the distributed index (`fewbeat index --queue` with `fewbeat worker` processes on
 * this machine): for n = each of `workers` worker processes (decoding in their own thread), `runs`
 * runs of the coordinator over the archive (ten-second 12-lead WFDB records at 500 Hz: `archive`, or
 * a fresh synthetic cohort of `records` children) into a fresh index, jobs of `shardRecords`
 * recordings. A run is timed from enqueueing to the merged index; the workers, started before, open
 * the model on an untimed warm-up of n one-recording jobs. Medians over the runs:
 *
 * - `queue_ecg_per_s_workers_<n>`: recordings per second (wall);
 * - `queue_cpu_ms_per_ecg_workers_<n>`: CPU of the worker processes per recording (from /proc);
 * - `queue_load_average_workers_<n>`: the 1-minute load average before the first such run;
 * - `local_ecg_per_s`: the reference, `buildIndex` in this process decoding in its own thread (as one
 *   worker does), same archive. The runs are interleaved: local, 1, 2, … workers, then again.
 */
export async function run(options: {
  model: string;
  queue: string;
  workers?: number[];
  runs?: number;
  records?: number;
  archive?: string;
  shardRecords?: number;
}): Promise<Record<string, number>> {
  const root = mkdtempSync(join(tmpdir(), 'fewbeat-bench-queue-'));
  const prefix = `fewbeat-bench-${process.pid}`;
  const connection = queueConnection(options.queue, prefix);
  try {
    const folder = options.archive ?? join(root, 'archive');
    if (!options.archive)
      writeSyntheticCohort(folder, { ...DEFAULT_COHORT_OPTIONS, patients: options.records ?? 200, seed: 11 });
    const { units } = listArchiveUnits(folder);
    await initBackend();
    const trained = readModelDir(options.model);
    const out: Record<string, number> = { queue_records: units.length };
    const counts = options.workers ?? [1, 2];
    const local: number[] = [];
    const rates = new Map<number, number[]>(counts.map((n) => [n, []]));
    const cpu = new Map<number, number[]>(counts.map((n) => [n, []]));
    try {
      // Runs interleaved (local, then 1, 2, … workers; again), so that a change of the machine's load spreads over all.
      for (let r = 0; r < (options.runs ?? 3); r++) {
        const reference = await buildIndex(join(root, `local-${r}`), units, trained);
        local.push(units.length / reference.seconds);
        for (const n of counts) {
          if (r === 0) out[`queue_load_average_workers_${n}`] = loadavg()[0] as number;
          const workers = await Promise.all(Array.from({ length: n }, () => startWorker(options.queue, prefix)));
          // Warm-up, untimed: n one-recording jobs, so that the workers open the model (ONNX export) before the run.
          await runIndexCoordinator(connection, join(root, `warm-${n}-${r}`), units.slice(0, n), trained, {
            shardRecords: 1,
            pollMs: 200,
          });
          const c0 = workers.map((w) => processCpuMs(w.pid as number));
          const result = await runIndexCoordinator(connection, join(root, `index-${n}-${r}`), units, trained, {
            shardRecords: options.shardRecords ?? 16,
            pollMs: 200,
          });
          const workerCpu = workers.reduce((s, w, i) => s + processCpuMs(w.pid as number) - (c0[i] as number), 0);
          cpu.get(n)?.push(workerCpu / units.length);
          rates.get(n)?.push(units.length / result.seconds);
          await Promise.all(
            workers.map(
              (w) =>
                new Promise<void>((resolve) => {
                  w.removeAllListeners('close');
                  w.on('close', () => resolve());
                  w.kill('SIGTERM');
                }),
            ),
          );
        }
      }
      out.local_ecg_per_s = median(local);
      for (const n of counts) {
        out[`queue_ecg_per_s_workers_${n}`] = median(rates.get(n) ?? []);
        out[`queue_cpu_ms_per_ecg_workers_${n}`] = median(cpu.get(n) ?? []);
      }
      return out;
    } finally {
      trained.model.dispose();
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const arg = (name: string): string | undefined => {
    const i = process.argv.indexOf(name);
    return i > 0 ? process.argv[i + 1] : undefined;
  };
  const model = arg('--model');
  if (!model)
    throw new Error('usage: node dist/bench/archive-queue.js --model DIR [--queue redis://…] [--workers 1,2]');
  const list = (s: string | undefined): number[] | undefined => s?.split(',').filter(Boolean).map(Number);
  const workers = list(arg('--workers'));
  const runs = arg('--runs');
  const records = arg('--records');
  const archive = arg('--archive');
  const result = await run({
    model,
    queue: arg('--queue') ?? process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    ...(workers ? { workers } : {}),
    ...(runs ? { runs: Number(runs) } : {}),
    ...(records ? { records: Number(records) } : {}),
    ...(archive ? { archive } : {}),
  });
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
}
