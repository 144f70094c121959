import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseClasses, parseLeads } from './synth.js';
import { runCli as run } from '../../test-utils/run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'fewbeat-synth-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('fewbeat synth', () => {
  it('writes records, manifest, schema, card and pictures', async () => {
    const out = join(dir, 'small');
    const r = await run([
      'synth',
      '--out',
      out,
      '--patients',
      '3',
      '--classes',
      'nsr,wpw,svt',
      '--fs',
      '250',
      '--duration',
      '4',
      '--pictures',
      '--json',
    ]);
    expect(r.code).toBe(0);
    const result = JSON.parse(r.stdout) as { patients: number; recordings: number };
    expect(result.patients).toBe(3);
    for (const f of ['manifest.csv', 'clinical-schema.json', 'COHORT.md', 'pictures/wpw.svg'])
      expect(existsSync(join(out, f)), f).toBe(true);
    expect(
      readFileSync(join(out, 'manifest.csv'), 'utf8')
        .split('\n')
        .filter((l) => l !== '').length,
    ).toBe(result.recordings + 1);
  });

  it('rejects a sampling rate other than 250, 500 or 1000 Hz with a usage error', async () => {
    const r = await run(['synth', '--out', join(dir, 'x'), '--fs', '360']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--fs: expected 250, 500 or 1000, got '360'/);
  });

  it('rejects unknown classes, noise levels and leads, and pictures without 12 leads', async () => {
    expect((await run(['synth', '--out', join(dir, 'x'), '--classes', 'nsr,afl'])).stderr).toMatch(
      /unknown class 'afl'/,
    );
    expect((await run(['synth', '--out', join(dir, 'x'), '--noise', 'loud'])).code).toBe(2);
    expect((await run(['synth', '--out', join(dir, 'x'), '--leads', 'I,II,V9'])).stderr).toMatch(/--leads/);
    expect((await run(['synth', '--out', join(dir, 'x'), '--leads', '1', '--pictures'])).stderr).toMatch(
      /--pictures: needs the 12 standard leads/,
    );
  });

  it('parses lead sets and class lists', () => {
    expect(parseLeads('15')).toHaveLength(15);
    expect(parseLeads('1')).toEqual(['II']);
    expect(parseLeads('I, V4R')).toEqual(['I', 'V4R']);
    expect(parseClasses('chb,lqts,chb')).toEqual(['chb', 'lqts']);
  });
});
