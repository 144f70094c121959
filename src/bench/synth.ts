import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { CLASS_IDS } from '../synth/classes.js';
import { generateCohort, type CohortOptions } from '../synth/cohort.js';
import { STANDARD_12_LEADS } from '../synth/lead-projection.js';
import { writeSyntheticCohort } from '../synth/write-synthetic-cohort.js';
import { median } from './timing.js';

/**
 * Benchmark of the synthetic cohort's speed target: ≥ 100 ten-second 12-lead 500 Hz synthetic records per second
 * on one core. Each timed run generates a fresh 50-child cohort (≈ 68 recordings, all 19 classes,
 * mixed noise) in memory, clinical context included; a second measurement also writes it as WFDB
 * format 16 + manifest + card to a temporary folder. Medians of `runs` timed runs after `warmup`,
 * wall-clock and process CPU time.
 *
 *     npm run build && node dist/bench/synth.js
 */

export async function run(opts: { warmup?: number; runs?: number } = {}): Promise<Record<string, number>> {
  const warmup = opts.warmup ?? 2;
  const runs = Math.max(10, opts.runs ?? 10);
  const options = (seed: number): CohortOptions => ({
    patients: 50,
    seed,
    fs: 500,
    duration: 10,
    leads: STANDARD_12_LEADS,
    classes: CLASS_IDS,
    noise: 'mixed',
  });
  const dir = mkdtempSync(join(tmpdir(), 'fewbeat-bench-synth-'));
  try {
    const stages: Record<string, (seed: number) => number> = {
      generate: (seed) => {
        let n = 0;
        for (const r of generateCohort(options(seed))) n += r.ecg.signals.length > 0 ? 1 : 0;
        return n;
      },
      generate_and_write: (seed) => writeSyntheticCohort(join(dir, String(seed)), options(seed)).recordings,
    };
    const results: Record<string, number> = {};
    for (const [name, fn] of Object.entries(stages)) {
      for (let i = 0; i < warmup; i++) fn(1000 + i);
      const perSecond: number[] = [];
      const cpuPerSecond: number[] = [];
      for (let i = 0; i < runs; i++) {
        const c0 = process.cpuUsage();
        const t0 = performance.now();
        const records = fn(i);
        const wall = (performance.now() - t0) / 1000;
        const c = process.cpuUsage(c0);
        perSecond.push(records / wall);
        cpuPerSecond.push(records / ((c.user + c.system) / 1e6));
      }
      results[`${name}_records_per_s_median`] = Number(median(perSecond).toFixed(1));
      results[`${name}_records_per_cpu_s_median`] = Number(median(cpuPerSecond).toFixed(1));
    }
    results.runs = runs;
    return results;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.stdout.write(`${JSON.stringify(await run(), null, 2)}\n`);
}
