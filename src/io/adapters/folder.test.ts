import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FIXTURE_CLINICAL } from '../../test-utils/clinical-formats.js';
import { FIXTURE_REAL, REPO_ROOT } from '../../test-utils/real-data.js';
import { runCli as run } from '../../test-utils/run-cli.js';
import { readCohort } from '../manifest/index.js';

const tmp = mkdtempSync(join(tmpdir(), 'fewbeat-import-folder-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** A hospital's export folder: WFDB, EDF, DICOM and SCP-ECG recordings, a corrupt export and a note. */
function exportFolder(): string {
  const dir = join(tmp, 'exports');
  mkdirSync(join(dir, 'cart-2'), { recursive: true });
  for (const ext of ['hea', 'mat'])
    copyFileSync(join(FIXTURE_REAL, `challenge2020/E00009.${ext}`), join(dir, `E00009.${ext}`));
  copyFileSync(join(REPO_ROOT, 'test/fixtures/edf/ecg-3lead-edfplus.edf'), join(dir, 'holter.edf'));
  copyFileSync(join(FIXTURE_CLINICAL, 'dicom/waveform_ecg.dcm'), join(dir, 'cart-2/0001'));
  copyFileSync(
    join(FIXTURE_CLINICAL, 'scp-ecg/welchallyn-ECG_20060620_112352_ANON000002.SCP'),
    join(dir, 'cart-2/ECG_2006.SCP'),
  );
  const scp = readFileSync(join(FIXTURE_CLINICAL, 'scp-ecg/welchallyn-ECG_20070321_110542_ANON000004.SCP'));
  writeFileSync(join(dir, 'cart-2/cut-short.scp'), scp.subarray(0, 9000));
  writeFileSync(join(dir, 'README.txt'), 'exported by the ECG management system\n');
  return dir;
}

describe('fewbeat import folder', () => {
  it(
    'turns a folder of mixed exports into a cohort with age, sex and ' + 'statements, listing what it skipped',
    async () => {
      const src = exportFolder();
      const out = join(tmp, 'cohort');
      const r = await run(['import', 'folder', src, '--out', out, '--json']);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      const result = JSON.parse(r.stdout) as { rows: number; warnings: string[]; problems: unknown[] };
      expect(result.rows).toBe(4);
      expect(result.problems).toEqual([]);
      expect(result.warnings).toEqual(
        expect.arrayContaining([
          expect.stringMatching(/^skipped README\.txt: not a recognised ECG file/),
          expect.stringMatching(/^skipped cart-2\/cut-short\.scp: .*truncated/),
        ]),
      );
      const cohort = readCohort(out);
      const byRecord = new Map(cohort.rows.map((row) => [row.record.split('/').pop()!, row]));
      expect([...byRecord.keys()].sort()).toEqual(['0001', 'E00009', 'ECG_2006.SCP', 'holter.edf']);
      expect(byRecord.get('0001')).toMatchObject({ ageYears: 42, sex: 'F', labels: ['source:unlabelled'] });
      expect(byRecord.get('0001')!.clinical).toEqual({
        source_format: 'dicom',
        device_statements: ['RITMO SINUSALE', 'ECG NORMALE'],
      });
      expect(byRecord.get('ECG_2006.SCP')).toMatchObject({ ageYears: 36, sex: null });
      expect(byRecord.get('ECG_2006.SCP')!.clinical.device_statements).toContain('sinusrytm');
      expect(byRecord.get('E00009')!.clinical).toEqual({ source_format: 'wfdb', device_statements: [] });
      const summary = await run(['cohort', 'summary', out, '--json']);
      expect(summary.code).toBe(0);
    },
  );

  it('gives every row the classes passed with --label', async () => {
    const out = join(tmp, 'labelled');
    const r = await run(['import', 'folder', exportFolder(), '--out', out, '--label', 'nsr']);
    expect(r.code).toBe(0);
    expect(readCohort(out).rows.every((row) => row.labels.join() === 'nsr')).toBe(true);
  });
});
