import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FewbeatError } from '../../errors.js';
import { FIXTURE_REAL } from '../../test-utils/real-data.js';
import { importWfdbDir } from './wfdb-dir.js';

const SRC = join(FIXTURE_REAL, 'challenge2020');
const tmp = mkdtempSync(join(tmpdir(), 'fewbeat-wfdb-dir-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function labels(text: string): string {
  const p = join(tmp, `labels-${Math.abs(hash(text))}.csv`);
  writeFileSync(p, text);
  return p;
}
function hash(s: string): number {
  let h = 0;
  for (const ch of s) h = (h * 31 + ch.charCodeAt(0)) | 0;
  return h;
}

describe('importWfdbDir', () => {
  it('reads labels and clinical fields keyed by record, inferring field types', () => {
    const c = importWfdbDir(SRC, {
      labels: labels(
        'record,label,patient_id,age_years,sex,weight_kg,post_op,ward\n' +
          'Q0001,svt;pac,p1,4,M,16.5,1,picu\nQ0010,nsr,,0.5,F,,0,cardio\nNOPE,nsr,,,,,,\n',
      ),
    });
    expect(c.rows.map((r) => [r.patientId, r.labels, r.ageYears, r.sex])).toEqual([
      ['p1', ['svt', 'pac'], 4, 'M'],
      ['Q0010', ['nsr'], 0.5, 'F'],
    ]);
    expect(c.schema.fields).toEqual([
      expect.objectContaining({ name: 'weight_kg', type: 'numeric', range: [16.5, 16.5] }),
      { name: 'post_op', type: 'boolean' },
      { name: 'ward', type: 'categorical', categories: ['cardio', 'picu'] },
    ]);
    expect(c.rows[1]!.clinical).toEqual({ weight_kg: null, post_op: false, ward: 'cardio' });
    expect(c.warnings.join('\n')).toMatch(/record NOPE not found/);
  });

  it('uses a given clinical schema and reports a bad cell by line and column', () => {
    const schema = join(tmp, 'schema.json');
    writeFileSync(
      schema,
      JSON.stringify({ version: 1, fields: [{ name: 'weight_kg', type: 'numeric', unit: 'kg', range: [0.3, 200] }] }),
    );
    expect(
      importWfdbDir(SRC, { labels: labels('record,label,weight_kg\nQ0001,nsr,12\n'), schema }).rows[0]!.clinical,
    ).toEqual({ weight_kg: 12 });
    expect(() => importWfdbDir(SRC, { labels: labels('record,label,weight_kg\nQ0001,nsr,900\n'), schema })).toThrow(
      /line 2, column weight_kg: impossible value 900 kg/,
    );
    expect(() => importWfdbDir(SRC, { labels: labels('record,label,sex\nQ0001,nsr,X\n') })).toThrow(FewbeatError);
    expect(() => importWfdbDir(SRC, {})).toThrow(/needs --labels/);
    expect(() =>
      importWfdbDir(SRC, { labels: labels('record,label\nQ0001,nsr\n'), schema: join(tmp, 'absent.json') }),
    ).toThrow(/absent\.json: cannot read the clinical schema \(ENOENT\)/);
  });
});
