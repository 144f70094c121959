import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { readAnnotations } from '../io/wfdb/annotations.js';
import { readRecord } from '../io/wfdb/record.js';
import { writeRecord } from '../io/wfdb/writer.js';
import { median, timeRuns } from './timing.js';

/**
 * Benchmark: decode the full 30-minute MIT-BIH record 200 (2 signals, format 212, 650 000 frames,
 * 1.95 MB) to digital and physical values, plus its 2792 reference annotations; and a 10-second
 * range read; and writing the same record back in format 16 (what the synthetic cohort uses).
 * Medians over `runs` timed runs after `warmup` untimed ones, in milliseconds.
 *
 *     npm run build && node dist/bench/wfdb.js
 */
const RECORD_200 = join(dirname(fileURLToPath(import.meta.url)), '../../test/fixtures/real/mitdb/200');

export async function run(opts: { warmup?: number; runs?: number } = {}): Promise<Record<string, number>> {
  const warmup = opts.warmup ?? 5;
  const runs = opts.runs ?? 25;
  const rec = readRecord(RECORD_200);
  const out = mkdtempSync(join(tmpdir(), 'fewbeat-bench-wfdb-'));
  const write16 = (): void =>
    writeRecord(join(out, 'w200'), {
      fs: rec.fs,
      signals: rec.channels.map((c) => c.physical),
      names: rec.channels.map((c) => c.name),
      units: rec.channels.map((c) => c.units),
      fmt: '16',
      adcGain: [200, 200],
    });
  try {
    const results: Record<string, number> = {};
    const measure = async (name: string, fn: () => unknown): Promise<void> => {
      const t = await timeRuns(fn, runs, warmup);
      const wall = median(t.wall);
      const cpu = median(t.cpu);
      results[`${name}_median_ms`] = wall;
      results[`${name}_cpu_median_ms`] = cpu;
    };
    await measure('record200_plus_atr', () => {
      readRecord(RECORD_200);
      readAnnotations(RECORD_200, 'atr');
    });
    await measure('record200', () => readRecord(RECORD_200));
    await measure('record200_atr', () => readAnnotations(RECORD_200, 'atr'));
    await measure('record200_10s_range', () => readRecord(RECORD_200, { from: 300_000, to: 303_600 }));
    await measure('write200_fmt16', write16);
    results.runs = runs;
    return results;
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.stdout.write(`${JSON.stringify(await run(), null, 2)}\n`);
}
