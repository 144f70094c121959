import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { readAnnotations } from '../io/wfdb/annotations.js';
import { readRecord } from '../io/wfdb/record.js';

/**
 * Benchmark: decode the full 30-minute MIT-BIH record 200 (2 signals, format 212, 650 000 frames,
 * 1.95 MB) to digital and physical values, plus its 2792 reference annotations; and a 10-second
 * range read. Medians over `runs` timed runs after `warmup` untimed ones, in milliseconds.
 *
 *     npm run build && node dist/bench/wfdb.js
 */
const RECORD_200 = join(dirname(fileURLToPath(import.meta.url)), '../../test/fixtures/real/mitdb/200');

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
}

function time(fn: () => unknown, warmup: number, runs: number): number {
  for (let i = 0; i < warmup; i++) fn();
  const ms: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    fn();
    ms.push(performance.now() - t0);
  }
  return median(ms);
}

export async function run(opts: { warmup?: number; runs?: number } = {}): Promise<Record<string, number>> {
  const warmup = opts.warmup ?? 5;
  const runs = opts.runs ?? 25;
  return {
    record200_plus_atr_median_ms: time(() => {
      readRecord(RECORD_200);
      readAnnotations(RECORD_200, 'atr');
    }, warmup, runs),
    record200_median_ms: time(() => readRecord(RECORD_200), warmup, runs),
    record200_atr_median_ms: time(() => readAnnotations(RECORD_200, 'atr'), warmup, runs),
    record200_10s_range_median_ms: time(() => readRecord(RECORD_200, { from: 300_000, to: 303_600 }), warmup, runs),
    runs,
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.stdout.write(`${JSON.stringify(await run(), null, 2)}\n`);
}
