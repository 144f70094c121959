import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isFewbeatError } from '../errors.js';
import { FIXTURE_REAL, REPO_ROOT } from '../test-utils/real-data.js';
import { loadEcg } from './load-ecg.js';
import { readCohort } from './manifest/index.js';
import { readAnnotations } from './wfdb/annotations.js';
import { readEcgAsync } from './wfdb/record.js';

/**
 * The hostile-input corpus (test/fixtures/hostile/, written by make-hostile.mjs): every broken or
 * lying file ends in a FewbeatError with the one line expected.json gives for it, within 1 s, and
 * without allocating more than a small multiple of the smaller of its size on disk and what it
 * declares (here: 8 MiB + 16 × its size, well under any declared output, the largest of which is
 * gibibytes).
 */
const CORPUS = join(REPO_ROOT, 'test', 'fixtures', 'hostile');
const cases = JSON.parse(readFileSync(join(CORPUS, 'cases.json'), 'utf8')) as Array<{
  name: string;
  read: 'ecg' | 'ecg-async' | 'annotations' | 'manifest';
  entry: string;
}>;
const expected = JSON.parse(readFileSync(join(CORPUS, 'expected.json'), 'utf8')) as Record<string, string>;
const RECORD = process.env.HOSTILE_RECORD === '1';
const recorded: Record<string, string> = {};
const TIME_LIMIT_MS = 1000;
const MEMORY_FLOOR = 8 * 2 ** 20;
const MEMORY_PER_BYTE = 16;

function read(kind: string, path: string): unknown {
  if (kind === 'ecg') return loadEcg(path);
  if (kind === 'ecg-async') return readEcgAsync(path);
  if (kind === 'annotations') return readAnnotations(path.replace(/\.atr$/, ''), 'atr');
  return readCohort(path);
}

function bytesOnDisk(dir: string): number {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile())
    .reduce((n, d) => n + statSync(join(d.parentPath, d.name)).size, 0);
}

/** Run `read`, returning its error message (with the case folder removed), its time and what it allocated. */
async function attempt(
  kind: string,
  dir: string,
  entry: string,
): Promise<{ message: string; ms: number; bytes: number }> {
  const before = process.memoryUsage();
  const t0 = performance.now();
  let message = 'no error';
  try {
    await read(kind, join(dir, entry));
  } catch (e) {
    if (!isFewbeatError(e)) throw e;
    message = e.message;
  }
  const ms = performance.now() - t0;
  const after = process.memoryUsage();
  const bytes = after.arrayBuffers - before.arrayBuffers + (after.heapUsed - before.heapUsed);
  return { message: message.split(`${dir}/`).join('').split(dir).join('.'), ms, bytes };
}

describe('the hostile-input corpus', () => {
  // The FLAC decoder's WebAssembly module is instantiated on first use: do that outside the timed reads.
  beforeAll(async () => {
    await readEcgAsync(join(FIXTURE_REAL, 'wfdb-python-sample', 'flacformats'));
  });
  afterAll(() => {
    if (RECORD) writeFileSync(join(CORPUS, 'expected.json'), `${JSON.stringify(recorded, null, 1)}\n`);
  });

  it('has at least 60 cases, each with an expected error', () => {
    expect(cases.length).toBeGreaterThanOrEqual(60);
    if (!RECORD) expect(Object.keys(expected).sort()).toEqual(cases.map((c) => c.name).sort());
  });

  it.each(cases)('$name: one clear line, within 1 s and bounded memory', async ({ name, read: kind, entry }) => {
    const dir = join(CORPUS, 'cases', name);
    const result = await attempt(kind, dir, entry);
    recorded[name] = result.message;
    if (!RECORD) expect(result.message).toBe(expected[name]);
    expect(result.message).not.toContain('\n');
    expect(result.ms).toBeLessThan(TIME_LIMIT_MS);
    expect(result.bytes).toBeLessThan(MEMORY_FLOOR + MEMORY_PER_BYTE * bytesOnDisk(dir));
  });

  it('a CSV waveform with 10^6 columns', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fewbeat-wide-csv-'));
    try {
      const n = 1_000_000;
      const header = ['time', ...Array.from({ length: n }, (_, i) => `L${i}`)].join(',');
      const row = (t: number): string => [t, ...Array.from({ length: n }, () => '1')].join(',');
      writeFileSync(join(dir, 'wide.csv'), `${header}\n${row(0)}\n${row(0.004)}\n`);
      const result = await attempt('ecg', dir, 'wide.csv');
      expect(result.message).toBe('wide.csv: line 1: 1000000 lead columns; a waveform CSV may have at most 1024');
      expect(result.ms).toBeLessThan(TIME_LIMIT_MS * 5); // 15 MB of text to parse
      expect(result.bytes).toBeLessThan(MEMORY_FLOOR + MEMORY_PER_BYTE * statSync(join(dir, 'wide.csv')).size);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
