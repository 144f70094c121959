import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { writeAecg } from '../io/hl7-aecg/write-aecg.js';
import { readXmlEcg } from '../io/xml/read-xml-ecg.js';
import { median, timeRuns } from './timing.js';

/**
 * Benchmark: decode one 10-s (11-s for Philips) 12-lead file of each XML hospital format, from bytes in memory
 * to an `Ecg` in mV with its metadata, through `readXmlEcg` (text decoding, safe parsing, payload decoding):
 * Philips PageWriter 1.04 (UTF-16, XLI), Philips SierraECG 1.03 (UTF-8, XLI), HL7 aECG (the ECGToolkit example,
 * 12 × 5,000 digits plus a representative beat), GE MUSE (12 × 5,000 samples after derivation plus a median beat;
 * only when the shared sample set is beside the checkout, its files being GPL-3.0), and writing that aECG back.
 * Medians over `runs` timed runs after `warmup` untimed ones, in milliseconds; the target is < 20 ms per file.
 *
 *     npm run build && node dist/bench/formats.js
 */
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const FIXTURES = join(ROOT, 'test/fixtures/clinical-formats');
const SHARED = resolve(ROOT, '../shared/data/clinical-formats');

const FILES: Record<string, string> = {
  philips_1_04_utf16: 'philips-sierra/3191723_ZZDEMOPTONLY_1-04_orig.xml',
  philips_1_03: 'philips-sierra/129DYPRG.XML',
  hl7_aecg: 'hl7-aecg/ecgtoolkit-Example.xml',
  ge_muse: 'ge-muse/braveheart-example1.xml',
};

function find(rel: string): string | null {
  for (const dir of [FIXTURES, SHARED]) if (existsSync(join(dir, rel))) return join(dir, rel);
  return null;
}

export async function run(opts: { warmup?: number; runs?: number } = {}): Promise<Record<string, number>> {
  const warmup = opts.warmup ?? 10;
  const runs = opts.runs ?? 30;
  const results: Record<string, number> = {};
  const measure = async (name: string, fn: () => unknown): Promise<void> => {
    const t = await timeRuns(fn, runs, warmup);
    results[`${name}_median_ms`] = median(t.wall);
    results[`${name}_cpu_median_ms`] = median(t.cpu);
  };
  for (const [name, rel] of Object.entries(FILES)) {
    const path = find(rel);
    if (path === null) continue;
    const bytes = new Uint8Array(readFileSync(path));
    await measure(name, () => readXmlEcg(bytes, rel));
  }
  const aecg = find(FILES.hl7_aecg!);
  if (aecg !== null) {
    const ecg = readXmlEcg(new Uint8Array(readFileSync(aecg)), 'example.xml');
    await measure('hl7_aecg_write', () => writeAecg(ecg, { id: '00000000-0000-4000-8000-000000000000' }));
  }
  results.runs = runs;
  return results;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.stdout.write(`${JSON.stringify(await run(), null, 2)}\n`);
}
