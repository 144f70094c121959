import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../test-utils/real-data.js';
import { runCli as run } from '../../test-utils/run-cli.js';

const FIXTURES = join(REPO_ROOT, 'test/fixtures/manifest');

/** Run the CLI and capture stdout, stderr and the exit code. */

describe('fewbeat cohort', () => {
  it('validate exits 0 on a valid cohort', async () => {
    const r = await run(['cohort', 'validate', join(FIXTURES, 'small')]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('0 errors, 0 warnings');
  });

  it('validate exits 1 and prints every problem with line and column', async () => {
    const r = await run(['cohort', 'validate', join(FIXTURES, 'broken')]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('manifest.csv line 2, column age_years: impossible age -3 years');
    expect(r.stdout).toContain("manifest.csv line 3, column sex: unknown sex code 'X'");
    expect(r.stdout).toContain('manifest.csv line 7, column label: warning:');
    expect(r.stderr).toMatch(/^error: .*problems in the cohort\n$/);
  });

  it('summary --json gives counts per class, patient and age band', async () => {
    const r = await run(['cohort', 'summary', join(FIXTURES, 'small'), '--json']);
    expect(r.code).toBe(0);
    const s = JSON.parse(r.stdout) as {
      rows: number;
      classes: Record<string, { rows: number }>;
      ageBands: Record<string, number>;
    };
    expect(s.rows).toBe(4);
    expect(s.classes.nsr!.rows).toBe(1);
    expect(s.ageBands.neonate).toBe(1);
  });

  it('summary prints a human table', async () => {
    const r = await run(['cohort', 'summary', join(FIXTURES, 'small')]);
    expect(r.stdout).toMatch(/4 rows, 3 patients/);
    expect(r.stdout).toMatch(/neonate \(< 28 d\)\s+1/);
  });

  it('summary of an invalid cohort is a one-line error, exit 1', async () => {
    const r = await run(['cohort', 'summary', join(FIXTURES, 'broken')]);
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });
});
