import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { realPath } from '../../test-utils/real-data.js';
import { runCli as run } from '../../test-utils/run-cli.js';

const q1917 = realPath('challenge2020/Q1917.hea')?.replace(/\.hea$/, '') ?? null;

describe.skipIf(!q1917)('fewbeat measure', () => {
  it('prints the keys other tools read, with Rijnbeek z-scores and flags for a 7-month-old girl', async () => {
    const { code, stdout } = await run(['measure', q1917!, '--age-years', '0.6', '--sex', 'F', '--json']);
    expect(code).toBe(0);
    const m = JSON.parse(stdout) as Record<string, unknown> & {
      flags: Array<{ code: string; text: string }>;
      z: Record<string, number | null>;
    };
    for (const key of [
      'hr_bpm',
      'pr_ms',
      'qrs_ms',
      'qt_ms',
      'qtc_bazett_ms',
      'qtc_fridericia_ms',
      'z',
      'norms',
      'flags',
    ])
      expect(m).toHaveProperty(key);
    expect(m.norms).toBe('Rijnbeek 2001');
    // an adult long-QT recording (CPSC Q1917, #Dx LQT) read as a 7-month-old: slow rate and long QTc
    expect(m.flags.map((f) => f.code)).toEqual(expect.arrayContaining(['hr_low_for_age', 'qtc_long']));
    expect(m.flags.find((f) => f.code === 'hr_low_for_age')!.text).toMatch(
      /below the 2nd percentile \(106-187\) for a girl of 7 months/,
    );
    expect(Object.keys(m.z)).toEqual(['hr', 'pr', 'qrs', 'qtc']);
  });
  it('gives no age flags without an age and says why', async () => {
    const { stdout } = await run(['measure', q1917!, '--json']);
    const m = JSON.parse(stdout) as { flags: unknown[]; norms: unknown; reasons: Record<string, string> };
    expect(m.flags).toEqual([]);
    expect(m.norms).toBeNull();
    expect(m.reasons.z).toMatch(/no age given/);
  });
  it('uses another norm table given with --norms', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fewbeat-norms-'));
    try {
      const file = join(dir, 'strict.json');
      const cell = { median: 80, p2: 70, p98: 90 };
      writeFileSync(
        file,
        JSON.stringify({
          name: 'Strict clinic',
          source: 'test',
          bands: [{ label: 'all', min_age_years: 0, max_age_years: 20, M: { hr: cell }, F: { hr: cell } }],
        }),
      );
      const { stdout } = await run(['measure', q1917!, '--age-years', '10', '--sex', 'M', '--norms', file, '--json']);
      const m = JSON.parse(stdout) as {
        norms: string;
        flags: Array<{ code: string }>;
        z: Record<string, number | null>;
      };
      expect(m.norms).toBe('Strict clinic');
      expect(m.flags.map((f) => f.code)).toEqual(['hr_low_for_age']);
      expect(m.z.qtc).toBeNull();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
  it('rejects a malformed norm table naming the file and field', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fewbeat-norms-'));
    try {
      const file = join(dir, 'bad.json');
      writeFileSync(
        file,
        JSON.stringify({
          name: 'Bad',
          source: 'x',
          bands: [{ label: 'a', min_age_years: 0, max_age_years: 1, M: { hr: { median: 5, p2: 9, p98: 10 } }, F: {} }],
        }),
      );
      const { code, stderr } = await run(['measure', q1917!, '--age-years', '0.5', '--norms', file]);
      expect(code).toBe(1);
      expect(stderr).toMatch(/bad\.json: not a norm table: bands\.0\.M\.hr: needs p2 < median < p98/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
  it('rejects an impossible age as a usage error', async () => {
    const { code, stderr } = await run(['measure', q1917!, '--age-years', '-1']);
    expect(code).toBe(2);
    expect(stderr).toMatch(/--age-years/);
  });
});
