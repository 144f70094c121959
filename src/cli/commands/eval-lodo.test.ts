import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../../test-utils/run-cli.js';

describe('fewbeat train --add-manifest and fewbeat eval-lodo on bad input', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'fewbeat-mix-cli-'));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));
  const train = (added: string) =>
    runCli(['train', '--manifest', tmp, '--add-manifest', added, '--out', join(tmp, 'm')]);

  it.each([
    [`${tmp}:0`, /option --add-manifest: weight '0' is not a number in \(0, 10\]/],
    [`${tmp}:11`, /option --add-manifest: weight '11' is not a number in \(0, 10\]/],
    [`${tmp}:heavy`, /option --add-manifest: weight 'heavy' is not a number in \(0, 10\]/],
    [join(tmp, 'absent'), /option --add-manifest: no cohort folder at .*absent/],
  ])('refuses --add-manifest %s with one line naming the option', async (added, message) => {
    const r = await train(added);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('refuses eval-lodo with fewer than two real sets or a bad weight', async () => {
    const lodo = (real: string, weight = '1') =>
      runCli(['eval-lodo', '--synthetic', tmp, '--real', real, '--weight', weight, '--out', join(tmp, 'l')]);
    const one = await lodo(`a=${tmp}`);
    expect(one.code).toBe(2);
    expect(one.stderr).toMatch(/option --real: leave-one-dataset-out needs two or more real sets/);
    const zero = await lodo(`a=${tmp},b=${tmp}`, '0');
    expect(zero.code).toBe(2);
    expect(zero.stderr).toMatch(/option --weight: weight '0' is not a number in \(0, 10\]/);
  });
});
