import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../test-utils/real-data.js';
import { importPtbxl } from './ptbxl.js';

const SRC = join(REPO_ROOT, 'test/fixtures/ptbxl');

describe('importPtbxl on the layout fixture', () => {
  const c = importPtbxl(SRC);
  const byRecord = new Map(c.rows.map((r) => [r.recordPath.slice(SRC.length + 1), r]));

  it('labels each ECG by its statements at likelihood ≥ 50 (or unstated), mapped and by superclass', () => {
    expect([...byRecord.keys()]).toEqual([
      'records500/00000/00001_hr',
      'records500/00000/00002_hr',
      'records500/00000/00003_hr',
      'records500/00000/00004_hr',
      'records500/00000/00005_hr',
    ]);
    expect(c.rows.map((r) => r.labels)).toEqual([
      ['nsr', 'ptbxl:NORM'],
      ['afib', 'ptbxl:HYP', 'pvc'], // IMI at 35 % is below the threshold
      ['scp:BIGU', 'sinus_tachy'],
      ['ptbxl:NORM', 'sinus_brady'],
      ['nsr', 'ptbxl:NORM'],
    ]);
  });

  it('reads patient, age (300 → 90), sex, height, weight and strat_fold as the split', () => {
    expect(c.rows[0]).toMatchObject({
      patientId: '15709',
      ageYears: 5,
      sex: 'F',
      split: '3',
      clinical: { height_cm: null, weight_kg: 21 },
    });
    expect(c.rows[1]).toMatchObject({
      patientId: '13243',
      ageYears: 16,
      sex: 'M',
      split: '2',
      clinical: { height_cm: 170, weight_kg: 60 },
    });
    expect(c.rows[4]!.ageYears).toBe(90);
  });

  it('lowers the threshold, picks the 100 Hz records and selects children with --max-age 18', () => {
    expect(importPtbxl(SRC, { minLikelihood: 30 }).rows[1]!.labels).toContain('ptbxl:MI');
    expect(importPtbxl(SRC, { sampling: 100 }).rows[0]!.recordPath).toBe(join(SRC, 'records100/00000/00001_lr'));
    expect(importPtbxl(SRC, { maxAge: 18 }).rows.map((r) => r.patientId)).toEqual(['15709', '13243', '15709']);
  });
});
