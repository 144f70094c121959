import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../test-utils/real-data.js';
import { importZzu } from './zzu.js';

const SRC = join(REPO_ROOT, 'test/fixtures/zzu');

describe('importZzu on the layout fixture', () => {
  const c = importZzu(SRC);

  it('finds every record under Child_ecg and reads the age in days', () => {
    expect(c.rows.map((r) => r.recordPath)).toEqual(
      ['P00001/E000001', 'P00002/E000002', 'P00002/E000003', 'P00003/E000004'].map((p) => join(SRC, 'Child_ecg', p)),
    );
    expect(c.rows.map((r) => r.ageYears)).toEqual(
      [12, 572, 580, 3650].map((d) => Math.round((d / 365.25) * 1e6) / 1e6),
    );
    expect(c.rows.map((r) => r.sex)).toEqual(['M', 'F', 'F', 'M']);
    expect(c.rows.map((r) => r.patientId)).toEqual(['P00001', 'P00002', 'P00002', 'P00003']);
  });

  it('labels by AHA statement text and keeps ICD-10 diagnoses as clinical context', () => {
    expect(c.rows.map((r) => r.labels)).toEqual([['afib', 'sinus_brady'], ['nsr'], ['wpw'], ['rsa']]);
    expect(c.rows.map((r) => r.clinical.diagnosed_arrhythmias)).toEqual([[], ['svt'], ['svt', 'wpw'], null]);
    expect(c.rows.map((r) => r.clinical.congenital_heart_disease)).toEqual([true, false, false, null]);
  });

  it('keeps lead count and quality scores as fields and warns that lead count tracks age', () => {
    expect(c.rows[0]!.clinical).toMatchObject({ lead_count: '9', pSQI: 0.91, basSQI: 0.97, bSQI: 0.88 });
    expect(c.warnings.join('\n')).toMatch(
      /lead count correlates with age \(9-lead: 1 recordings, median age 12 d; 12-lead: 3, median 580 d\)/,
    );
  });
});
