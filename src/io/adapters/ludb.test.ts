import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SHARED_REAL, hasSharedReal } from '../../test-utils/real-data.js';
import { importLudb } from './ludb.js';

/** A 12-lead LUDB-style header (the samples are never read by the import) with the given comments. */
function header(name: string, comments: string[]): string {
  const leads = ['i', 'ii', 'iii', 'avr', 'avl', 'avf', 'v1', 'v2', 'v3', 'v4', 'v5', 'v6'];
  return [
    `${name} 12 500 5000`,
    ...leads.map((l) => `${name}.dat 16 1000(0)/mV 0 0 0 0 0 ${l}`),
    ...comments.map((c) => `#${c}`),
    '',
  ].join('\n');
}

describe('importLudb on LUDB-style headers', () => {
  const dir = mkdtempSync(join(tmpdir(), 'fewbeat-ludb-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const write = (name: string, comments: string[]): string => {
    const sub = mkdtempSync(join(dir, 'set-'));
    writeFileSync(join(sub, `${name}.hea`), header(name, comments));
    return sub;
  };

  it('labels each record by its rhythm statement, with age, sex, pacing and the other conclusions', () => {
    const src = write('7', [
      '<age>: 64',
      '<sex>: M',
      '<diagnoses>:',
      'Rhythm: Atrial fibrillation.',
      'Electric axis of the heart: left axis deviation. ',
      'UNIpolar ventricular pacing. ',
    ]);
    const c = importLudb(src);
    expect(c.rows).toEqual([
      {
        recordPath: join(src, '7'),
        patientId: 'ludb-7',
        labels: ['afib'],
        ageYears: 64,
        sex: 'M',
        split: null,
        window: null,
        clinical: {
          pacemaker: true,
          statements: ['Electric axis of the heart: left axis deviation', 'UNIpolar ventricular pacing'],
        },
      },
    ]);
    expect(c.schema.fields.map((f) => f.name)).toEqual(['pacemaker', 'statements']);
  });

  it("keeps a rhythm without a class as 'ludb:<statement>'", () => {
    const c = importLudb(write('3', ['<age>: 40', '<sex>: F', 'Rhythm: Irregular sinus rhythm.']));
    expect(c.rows[0]?.labels).toEqual(['ludb:Irregular sinus rhythm']);
  });

  it('refuses an impossible age or sex in one line naming the header', () => {
    const badAge = write('5', ['<age>: 230', '<sex>: F', 'Rhythm: Sinus rhythm.']);
    expect(() => importLudb(badAge)).toThrow(/5\.hea: comment <age>: '230' is not an age in years \(0-130\)$/);
    const badSex = write('6', ['<age>: 30', '<sex>: X', 'Rhythm: Sinus rhythm.']);
    expect(() => importLudb(badSex)).toThrow(/6\.hea: comment <sex>: 'X' is not M or F$/);
  });

  it('refuses a folder whose headers have no rhythm comment (not LUDB)', () => {
    const src = write('9', ['<age>: 30']);
    expect(() => importLudb(src)).toThrow(/no LUDB record \(a WFDB header with a #Rhythm comment\) found/);
  });
});

describe.skipIf(!hasSharedReal)('importLudb on the shared LUDB records', () => {
  it("gives the database's rhythms: 72 sinus rhythm, 9 atrial fibrillation, one record per subject", () => {
    const c = importLudb(join(SHARED_REAL, 'ludb'));
    const count = (label: string): number => c.rows.filter((r) => r.labels[0] === label).length;
    expect(c.rows).toHaveLength(100);
    expect([count('nsr'), count('afib'), count('aflutter'), count('sinus_brady')]).toEqual([72, 9, 2, 13]);
    expect(new Set(c.rows.map((r) => r.patientId)).size).toBe(100);
    expect(c.rows.every((r) => r.ageYears !== null && r.sex !== null)).toBe(true);
  });
});
