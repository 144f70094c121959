import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { readEcg } from '../io/wfdb/record.js';
import { butter } from '../signal/filters/butter.js';
import { resampleTo } from '../signal/filters/resample-to.js';
import { sosfiltfilt } from '../signal/filters/sosfiltfilt.js';
import { detectQrsMultiLead } from '../signal/qrs/detect-qrs-multi-lead.js';
import { median, timeRuns } from './timing.js';

/**
 * Benchmark of the signal layer's speed target: the whole 30-min, 2-lead, 360 Hz MIT-BIH record 200
 * (650 000 frames) through zero-phase band-pass filtering (Butterworth 0.5–40 Hz, order 2, per
 * lead), polyphase resampling to 250 Hz (25/36) and multi-lead QRS detection at 250 Hz. Target:
 * < 90 ms (≥ 20 000× real time) on one core. Medians over `runs` timed runs after `warmup`
 * untimed ones, wall-clock and process CPU time, in milliseconds.
 *
 *     npm run build && node dist/bench/signal.js
 */
const RECORD_200 = join(dirname(fileURLToPath(import.meta.url)), '../../test/fixtures/real/mitdb/200');

export async function run(opts: { warmup?: number; runs?: number } = {}): Promise<Record<string, number>> {
  const warmup = opts.warmup ?? 3;
  const runs = Math.max(10, opts.runs ?? 15);
  const ecg = readEcg(RECORD_200);
  const band = butter({ order: 2, cutoffHz: [0.5, 40], band: 'bandpass', fs: ecg.fs });
  const filter = (): Float64Array[] => ecg.signals.map((x) => sosfiltfilt(band, x));
  const resample = (xs: Float64Array[]): Float64Array[] => xs.map((x) => resampleTo(x, ecg.fs, 250));
  const detect = (xs: Float64Array[]): Int32Array => detectQrsMultiLead(xs, 250);
  const filtered = filter();
  const resampled = resample(filtered);
  const stages: Record<string, () => unknown> = {
    pipeline: () => detect(resample(filter())),
    filter,
    resample: () => resample(filtered),
    detect: () => detect(resampled),
  };
  const results: Record<string, number> = {};
  for (const [name, fn] of Object.entries(stages)) {
    const { wall, cpu } = await timeRuns(fn, runs, warmup);
    results[`${name}_median_ms`] = median(wall);
    results[`${name}_cpu_median_ms`] = median(cpu);
  }
  const seconds = ecg.signals[0]!.length / ecg.fs;
  results.record_seconds = seconds;
  results.pipeline_times_real_time = (seconds * 1000) / results.pipeline_median_ms!;
  results.beats_detected = detect(resampled).length;
  results.runs = runs;
  return results;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.stdout.write(`${JSON.stringify(await run(), null, 2)}\n`);
}
