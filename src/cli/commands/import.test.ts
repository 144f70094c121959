import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FIXTURE_REAL, REPO_ROOT } from '../../test-utils/real-data.js';
import { runCli as run } from '../../test-utils/run-cli.js';

const tmp = mkdtempSync(join(tmpdir(), 'fewbeat-import-cli-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('fewbeat import', () => {
  it.each([
    ['ptbxl', join(REPO_ROOT, 'test/fixtures/ptbxl'), 5],
    ['challenge', join(FIXTURE_REAL, 'challenge2020'), 28],
    ['zzu', join(REPO_ROOT, 'test/fixtures/zzu'), 4],
    ['mitdb', join(FIXTURE_REAL, 'mitdb'), -1],
  ])('imports %s into a cohort that cohort summary reads', async (format, src, rows) => {
    const out = join(tmp, format);
    const imported = await run(['import', format, src, '--out', out, '--json']);
    expect(imported.code).toBe(0);
    const result = JSON.parse(imported.stdout) as { rows: number; problems: unknown[] };
    if (rows >= 0) expect(result.rows).toBe(rows);
    expect(result.problems).toEqual([]);
    const summary = await run(['cohort', 'summary', out, '--json']);
    expect(summary.code).toBe(0);
    expect((JSON.parse(summary.stdout) as { rows: number }).rows).toBe(result.rows);
  });

  it('exits 2 on an unknown format or a bad option value', async () => {
    expect((await run(['import', 'nope', tmp, '--out', join(tmp, 'x')])).code).toBe(2);
    expect((await run(['import', 'mitdb', tmp, '--out', join(tmp, 'x'), '--mixed', 'sometimes'])).code).toBe(2);
  });

  it('exits 1 with one line on a missing dataset folder', async () => {
    const r = await run(['import', 'challenge', join(tmp, 'absent'), '--out', join(tmp, 'y')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error: .*absent: dataset folder not found\n$/);
  });
});
