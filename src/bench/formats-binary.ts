import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { readDicomEcg } from '../io/dicom/read-dicom-ecg.js';
import { loadEcg } from '../io/load-ecg.js';
import { readScpEcg } from '../io/scp-ecg/read-scp-ecg.js';
import { median, timeRuns } from './timing.js';

/**
 * Benchmark: decode 10-second 12-lead hospital exports from bytes already in memory, per reader, and the same
 * through `loadEcg` (file read + format detection + decoding). Files: DICOM 12-lead waveform, Mortara ELI 250
 * (12 × 10,000 at 1 kHz plus a median-beat group, explicit VR) and ECGToolkit (12 × 5,000 at 500 Hz, implicit VR);
 * SCP-ECG ECGToolkit (12 × 5,000, default Huffman, second differences) and Welch Allyn (8 × 6,000, first
 * differences). Medians over `runs` timed runs after `warmup` untimed ones, in milliseconds (target < 20 ms).
 *
 *     npm run build && node dist/bench/formats-binary.js
 */
const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '../../test/fixtures/clinical-formats');

const FILES: Array<[string, string, (bytes: Uint8Array, file: string) => unknown]> = [
  ['dicom_mortara_12x10000', 'dicom/waveform_ecg.dcm', readDicomEcg],
  ['dicom_ecgtoolkit_12x5000', 'dicom/ecgtoolkit-Example.dcm', readDicomEcg],
  ['scp_ecgtoolkit_12x5000', 'scp-ecg/ecgtoolkit-Example.scp', readScpEcg],
  ['scp_welchallyn_8x6000', 'scp-ecg/welchallyn-ECG_20060620_112352_ANON000002.SCP', readScpEcg],
];

export async function run(opts: { warmup?: number; runs?: number } = {}): Promise<Record<string, number>> {
  const warmup = opts.warmup ?? 5;
  const runs = opts.runs ?? 25;
  const results: Record<string, number> = {};
  for (const [name, rel, read] of FILES) {
    const path = join(FIXTURES, rel);
    const bytes = new Uint8Array(readFileSync(path));
    const decode = await timeRuns(() => read(bytes, rel), runs, warmup);
    results[`${name}_decode_median_ms`] = median(decode.wall);
    results[`${name}_decode_cpu_median_ms`] = median(decode.cpu);
    const load = await timeRuns(() => loadEcg(path), runs, warmup);
    results[`${name}_loadEcg_median_ms`] = median(load.wall);
  }
  results.runs = runs;
  return results;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.stdout.write(`${JSON.stringify(await run(), null, 2)}\n`);
}
