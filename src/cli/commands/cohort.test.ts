import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { REPO_ROOT } from '../../test-utils/real-data.js';
import { main } from '../main.js';

const FIXTURES = join(REPO_ROOT, 'test/fixtures/manifest');

/** Run the CLI and capture stdout, stderr and the exit code. */
async function run(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
  const err = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  try {
    const code = await main(argv);
    return { code, out: out.mock.calls.map((c) => String(c[0])).join(''), err: err.mock.calls.map((c) => String(c[0])).join('') };
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
}

describe('fewbeat cohort', () => {
  it('validate exits 0 on a valid cohort', async () => {
    const r = await run(['cohort', 'validate', join(FIXTURES, 'small')]);
    expect(r.code).toBe(0);
    expect(r.out).toContain('0 errors, 0 warnings');
  });

  it('validate exits 1 and prints every problem with line and column', async () => {
    const r = await run(['cohort', 'validate', join(FIXTURES, 'broken')]);
    expect(r.code).toBe(1);
    expect(r.out).toContain('manifest.csv line 2, column age_years: impossible age -3 years');
    expect(r.out).toContain("manifest.csv line 3, column sex: unknown sex code 'X'");
    expect(r.out).toContain('manifest.csv line 7, column label: warning:');
    expect(r.err).toMatch(/^error: .*problems in the cohort\n$/);
  });

  it('summary --json gives counts per class, patient and age band', async () => {
    const r = await run(['cohort', 'summary', join(FIXTURES, 'small'), '--json']);
    expect(r.code).toBe(0);
    const s = JSON.parse(r.out) as { rows: number; classes: Record<string, { rows: number }>; ageBands: Record<string, number> };
    expect(s.rows).toBe(4);
    expect(s.classes.nsr!.rows).toBe(1);
    expect(s.ageBands.neonate).toBe(1);
  });

  it('summary prints a human table', async () => {
    const r = await run(['cohort', 'summary', join(FIXTURES, 'small')]);
    expect(r.out).toMatch(/4 rows, 3 patients/);
    expect(r.out).toMatch(/neonate \(< 28 d\)\s+1/);
  });

  it('summary of an invalid cohort is a one-line error, exit 1', async () => {
    const r = await run(['cohort', 'summary', join(FIXTURES, 'broken')]);
    expect(r.code).toBe(1);
    expect(r.err.trim().split('\n')).toHaveLength(1);
  });
});
