import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { readAnnotations } from '../io/wfdb/annotations.js';
import { readRecord } from '../io/wfdb/record.js';
import { writeRecord } from '../io/wfdb/writer.js';

/**
 * Benchmark: decode the full 30-minute MIT-BIH record 200 (2 signals, format 212, 650 000 frames,
 * 1.95 MB) to digital and physical values, plus its 2792 reference annotations; and a 10-second
 * range read; and writing the same record back in format 16 (what the synthetic cohort uses).
 * Medians over `runs` timed runs after `warmup` untimed ones, in milliseconds.
 *
 *     npm run build && node dist/bench/wfdb.js
 */
const RECORD_200 = join(dirname(fileURLToPath(import.meta.url)), '../../test/fixtures/real/mitdb/200');

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
}

/**
 * Median wall-clock and CPU time (user + system of this process) of `fn`, in ms. On a shared
 * machine the CPU time is the steadier figure: it leaves out time spent waiting for a core.
 */
function time(fn: () => unknown, warmup: number, runs: number): { wall: number; cpu: number } {
  for (let i = 0; i < warmup; i++) fn();
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < runs; i++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    fn();
    wall.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1000);
  }
  return { wall: median(wall), cpu: median(cpu) };
}

export async function run(opts: { warmup?: number; runs?: number } = {}): Promise<Record<string, number>> {
  const warmup = opts.warmup ?? 5;
  const runs = opts.runs ?? 25;
  const rec = readRecord(RECORD_200);
  const out = mkdtempSync(join(tmpdir(), 'fewbeat-bench-wfdb-'));
  const write16 = (): void => writeRecord(join(out, 'w200'), {
    fs: rec.fs, signals: rec.channels.map((c) => c.physical), names: rec.channels.map((c) => c.name), units: rec.channels.map((c) => c.units), fmt: '16', adcGain: [200, 200],
  });
  try {
    const results: Record<string, number> = {};
    const measure = (name: string, fn: () => unknown): void => {
      const { wall, cpu } = time(fn, warmup, runs);
      results[`${name}_median_ms`] = wall;
      results[`${name}_cpu_median_ms`] = cpu;
    };
    measure('record200_plus_atr', () => {
      readRecord(RECORD_200);
      readAnnotations(RECORD_200, 'atr');
    });
    measure('record200', () => readRecord(RECORD_200));
    measure('record200_atr', () => readAnnotations(RECORD_200, 'atr'));
    measure('record200_10s_range', () => readRecord(RECORD_200, { from: 300_000, to: 303_600 }));
    measure('write200_fmt16', write16);
    results.runs = runs;
    return results;
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.stdout.write(`${JSON.stringify(await run(), null, 2)}\n`);
}
