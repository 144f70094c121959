import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readCohort } from '../manifest/read-cohort.js';
import { REPO_ROOT } from '../../test-utils/real-data.js';
import { writeImportedCohort } from './imported-cohort.js';
import { LABELMAPS_DIR, LabelMap } from './label-map.js';
import { importPtbxl } from './ptbxl.js';

const tmp = mkdtempSync(join(tmpdir(), 'fewbeat-imported-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const SRC = join(REPO_ROOT, 'test/fixtures/ptbxl');

describe('writeImportedCohort', () => {
  it('writes a manifest that points at the original records by relative path', () => {
    const out = join(tmp, 'pointing');
    writeImportedCohort(out, importPtbxl(SRC));
    const c = readCohort(out);
    expect(c.rows[0]!.recordPath).toBe(join(SRC, 'records500/00000/00001_hr'));
    expect(c.rows[0]!.record).toMatch(/^\.\.\//);
  });

  it('copies every file of each record with --copy', () => {
    const out = join(tmp, 'copied');
    expect(writeImportedCohort(out, importPtbxl(SRC), { copy: true }).copiedFiles).toBe(10);
    expect(readdirSync(join(out, 'records/records500/00000')).sort()).toContain('00001_hr.dat');
    expect(readCohort(out).rows[0]!.record).toBe('records/records500/00000/00001_hr');
    expect(existsSync(join(out, 'records/records100'))).toBe(false);
  });
});

describe('label maps', () => {
  it('map only to class ids of data/classes.json (checked when each table loads)', () => {
    const maps = [
      new LabelMap('mitdb-rhythm.csv', 'source'),
      new LabelMap('snomed-ct.csv', 'code'),
      new LabelMap('scp-ecg.csv', 'code'),
      new LabelMap('icd10.csv', 'code'),
      new LabelMap('aha-statements.csv', 'statement', true),
    ];
    expect(maps.every((m) => m.entries().length > 0)).toBe(true);
    expect(LABELMAPS_DIR).toMatch(/data\/labelmaps\/$/);
  });

  it('keeps MIT-BIH (BII and (NOD unmapped, as documented', () => {
    const m = new LabelMap('mitdb-rhythm.csv', 'source');
    expect([
      m.label('(AFIB', 'source'),
      m.label('(BII', 'source'),
      m.label('(NOD', 'source'),
      m.label('(B', 'source'),
    ]).toEqual(['afib', 'source:(BII', 'source:(NOD', 'pvc']);
  });
});
