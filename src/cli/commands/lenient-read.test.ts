import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { realPath } from '../../test-utils/real-data.js';
import { runCli as run } from '../../test-utils/run-cli.js';

const q0048 = realPath('challenge2020/Q0048.hea')?.replace(/\.hea$/, '') ?? null;

/**
 * A copy of the real CPSC record Q0048 (atrial fibrillation, 12 leads) whose header checksum
 * fields are all 0, as in public single-lead sets whose converters did not compute them. wfdb-python
 * reads such records, and the WFDB library reads them with a warning.
 */
function zeroChecksumCopy(dir: string): string {
  copyFileSync(`${q0048!}.mat`, join(dir, 'Q0048.mat'));
  const lines = readFileSync(`${q0048!}.hea`, 'latin1').split('\n');
  const zeroed = lines.map((line, i) => {
    if (i === 0 || i > 12 || line.startsWith('#')) return line;
    const f = line.split(' ');
    f[6] = '0'; // file fmt gain adc_res adc_zero init checksum block_size description
    return f.join(' ');
  });
  writeFileSync(join(dir, 'Q0048.hea'), zeroed.join('\n'), 'latin1');
  return join(dir, 'Q0048');
}

describe.skipIf(!q0048)('reading a record whose header checksums are 0', () => {
  const dir = mkdtempSync(join(tmpdir(), 'fewbeat-lenient-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const record = zeroChecksumCopy(dir);
  const warnings = (stderr: string): string[] => stderr.split('\n').filter((l) => l.startsWith('warning: '));

  for (const argv of [
    ['measure', record, '--json'],
    ['qrs', record, '--json'],
    ['inspect', record, '--json'],
  ]) {
    it(`\`fewbeat ${argv[0]}\` reads it and warns once, naming the record and the mismatch`, async () => {
      const { code, stdout, stderr } = await run(argv);
      expect(code).toBe(0);
      expect(stdout.length).toBeGreaterThan(0);
      const w = warnings(stderr);
      expect(w).toHaveLength(1);
      expect(w[0]).toMatch(/^warning: \S*Q0048\.mat: checksum mismatch for 12 signals \(I, II, III, aVR/);
      expect(w[0]).toMatch(/the header \(lines 2-13\) says 0 for each, the samples sum to -40, -41, -13/);
      expect(w[0]).toMatch(/read anyway$/);
    });

    it(`\`fewbeat ${argv[0]} --strict\` refuses it with one line`, async () => {
      const { code, stderr } = await run([...argv, '--strict']);
      expect(code).toBe(1);
      expect(stderr.trimEnd().split('\n')).toHaveLength(1);
      expect(stderr).toMatch(/^error: .*Q0048\.mat: checksum mismatch for 12 signals/);
    });
  }

  it('measures the same heart rate from the copy as from the original record', async () => {
    const copy = JSON.parse((await run(['measure', record, '--json'])).stdout) as { hr_bpm: number };
    const original = JSON.parse((await run(['measure', q0048!, '--json'])).stdout) as { hr_bpm: number };
    expect(copy.hr_bpm).toBe(original.hr_bpm);
  });
});
