import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FIXTURE_REAL } from '../../test-utils/real-data.js';
import { importChallenge } from './challenge.js';

/** wfdb-python's reading of each record's #Age/#Sex/#Dx comments (test/fixtures/real/expected.json). */
const expected = (
  JSON.parse(readFileSync(join(FIXTURE_REAL, 'expected.json'), 'utf8')) as {
    records: Array<{ path: string; demographics?: { age: number | null; sex: string; dx_snomed: string[] } }>;
  }
).records.filter((r) => r.path.startsWith('challenge2020/'));

describe('importChallenge on the 28 Challenge 2020 records', () => {
  const c = importChallenge(join(FIXTURE_REAL, 'challenge2020'));
  const row = (name: string) => c.rows.find((r) => r.patientId === name)!;

  it('imports every record, with the age and sex wfdb-python reads', () => {
    expect(c.rows).toHaveLength(28);
    expect(expected).toHaveLength(28);
    for (const e of expected) {
      const r = row(e.path.split('/')[1]!);
      expect(r.ageYears).toBe(typeof e.demographics!.age === 'number' ? e.demographics!.age : null);
      expect(r.sex).toBe({ Male: 'M', Female: 'F' }[e.demographics!.sex] ?? null);
    }
  });

  it('maps SNOMED CT codes to classes, and names the rest from the Challenge tables', () => {
    expect(row('Q0001').labels).toEqual(['snomed:OldMI', 'sinus_tachy']);
    expect(row('E00009').labels).toEqual(['snomed:NSSTTA', 'snomed:LAD', 'sinus_tachy']);
  });

  it("treats the Challenge's equivalent codes as one class", () => {
    expect(row('Q0017').labels).toEqual(['pac']); // 63593006 supraventricular premature beats
    expect(row('E00015').labels).toContain('pac'); // 284470004 premature atrial contraction
    expect(row('Q0630').labels).toContain('pvc'); // 17338001 ventricular premature beats
    expect(row('Q0010').labels).toContain('pvc'); // 427172004 premature ventricular contractions
    expect(row('Q1805').labels).toContain('snomed:CRBBB'); // 59118001 right bundle branch block
    expect(row('Q0027').labels).toContain('snomed:CRBBB'); // 713427006 complete RBBB
  });

  it('records the sub-database from the record-name prefix', () => {
    expect([row('Q0001'), row('E00009'), row('HR00599')].map((r) => r.clinical.source_database)).toEqual([
      'CPSC-Extra',
      'Georgia',
      'PTB-XL',
    ]);
    expect(c.schema.fields[0]).toMatchObject({
      name: 'source_database',
      categories: ['CPSC-Extra', 'Georgia', 'PTB-XL'],
    });
  });

  it('keeps only the pediatric rows with --max-age 18 (none among these adults)', () => {
    const ages = c.rows.map((r) => r.ageYears).filter((a): a is number => a !== null);
    expect(importChallenge(join(FIXTURE_REAL, 'challenge2020'), { maxAge: 18 }).rows).toHaveLength(
      ages.filter((a) => a < 18).length,
    );
  });
});
