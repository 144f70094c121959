import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ClinicalSchema } from '../../clinical/schema.js';
import { FewbeatError } from '../../errors.js';
import { FIXTURE_REAL } from '../../test-utils/real-data.js';
import type { CohortRowInput } from './cohort.js';
import { readCohort } from './read-cohort.js';
import { writeCohort } from './write-cohort.js';

const tmp = mkdtempSync(join(tmpdir(), 'fewbeat-write-cohort-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const schema: ClinicalSchema = {
  version: 1,
  fields: [
    { name: 'weight_kg', type: 'numeric', unit: 'kg', range: [0.3, 250] },
    { name: 'post_op_chd', type: 'boolean' },
    { name: 'setting', type: 'categorical', categories: ['ward', 'picu'] },
    { name: 'medications', type: 'multi-label', labels: ['digoxin', 'amiodarone'] },
  ],
};
const Q0001 = join(FIXTURE_REAL, 'challenge2020/Q0001');
const rows: CohortRowInput[] = [
  {
    record: Q0001,
    patientId: 'p,1',
    labels: ['nsr'],
    ageYears: 0.1 + 0.2,
    sex: 'M',
    split: 'train',
    clinical: { weight_kg: 3.4, post_op_chd: true, setting: 'picu', medications: [] },
  },
  {
    record: Q0001,
    patientId: 'p2',
    labels: ['svt', 'source:(SVTA'],
    ageYears: null,
    sex: null,
    window: { startS: 10, endS: 20 },
    clinical: { weight_kg: null, post_op_chd: false, setting: null, medications: ['digoxin', 'amiodarone'] },
  },
];

describe('writeCohort', () => {
  it('writes the documented layout, byte for byte', () => {
    const dir = join(tmp, 'layout');
    writeCohort(dir, schema, rows);
    expect(readFileSync(join(dir, 'manifest.csv'), 'utf8')).toBe(
      'record,patient_id,label,age_years,sex,split,start_s,end_s,weight_kg,post_op_chd,setting,medications\n' +
        `${Q0001},"p,1",nsr,0.30000000000000004,M,train,,,3.4,1,picu,none\n` +
        `${Q0001},p2,svt;source:(SVTA,,,,10,20,,0,,digoxin;amiodarone\n`,
    );
    expect(JSON.parse(readFileSync(join(dir, 'clinical-schema.json'), 'utf8'))).toEqual(schema);
  });

  it('writes identical bytes for identical input', () => {
    writeCohort(join(tmp, 'a'), schema, rows);
    writeCohort(join(tmp, 'b'), schema, rows);
    for (const f of ['manifest.csv', 'clinical-schema.json'])
      expect(readFileSync(join(tmp, 'a', f))).toEqual(readFileSync(join(tmp, 'b', f)));
  });

  it('reads back exactly what it wrote', () => {
    const dir = join(tmp, 'round-trip');
    writeCohort(dir, schema, rows);
    const back = readCohort(dir).rows.map(({ record, patientId, labels, ageYears, sex, split, window, clinical }) => ({
      record,
      patientId,
      labels,
      ageYears,
      sex,
      split,
      window,
      clinical,
    }));
    expect(back).toEqual([
      { ...rows[0], window: null },
      { ...rows[1], split: null },
    ]);
  });

  it('omits the split and window columns when no row has them', () => {
    const dir = join(tmp, 'plain');
    writeCohort(dir, { version: 1, fields: [] }, [
      { record: 'x', patientId: 'p', labels: ['nsr'], ageYears: 1, sex: 'F', clinical: {} },
    ]);
    expect(readFileSync(join(dir, 'manifest.csv'), 'utf8')).toBe(
      'record,patient_id,label,age_years,sex\nx,p,nsr,1,F\n',
    );
  });

  it('refuses a value that does not fit its field, naming row and column', () => {
    const bad = [{ ...rows[0]!, clinical: { ...rows[0]!.clinical, weight_kg: 900 } }];
    expect(() => writeCohort(join(tmp, 'bad'), schema, bad)).toThrow(FewbeatError);
    expect(() => writeCohort(join(tmp, 'bad'), schema, bad)).toThrow(
      /row 1 \(line 2\), column weight_kg: impossible value 900 kg/,
    );
  });

  it('refuses an impossible age and a missing clinical key', () => {
    expect(() => writeCohort(join(tmp, 'bad'), schema, [{ ...rows[0]!, ageYears: -1 }])).toThrow(
      /column age_years: impossible age -1/,
    );
    expect(() => writeCohort(join(tmp, 'bad'), schema, [{ ...rows[0]!, clinical: {} }])).toThrow(
      /use null for a missing value/,
    );
  });
});
