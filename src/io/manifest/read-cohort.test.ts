import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FewbeatError } from '../../errors.js';
import { FIXTURE_REAL, REPO_ROOT } from '../../test-utils/real-data.js';
import { formatProblem } from './cohort.js';
import { readCohort, validateCohort } from './read-cohort.js';

const SMALL = join(REPO_ROOT, 'test/fixtures/manifest/small');
const BROKEN = join(REPO_ROOT, 'test/fixtures/manifest/broken');
const Q0001 = join(FIXTURE_REAL, 'challenge2020/Q0001');
const tmp = mkdtempSync(join(tmpdir(), 'fewbeat-manifest-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const HEADER = 'record,patient_id,label,age_years,sex,split,weight_kg,post_op_chd,setting,medications';

/** A cohort folder with the small fixture's schema (or `schema`) and the given manifest text. */
function cohortWith(name: string, manifest: string, schema?: string): string {
  const dir = join(tmp, name);
  mkdirSync(dir, { recursive: true });
  if (schema === undefined) copyFileSync(join(SMALL, 'clinical-schema.json'), join(dir, 'clinical-schema.json'));
  else writeFileSync(join(dir, 'clinical-schema.json'), schema);
  writeFileSync(join(dir, 'manifest.csv'), manifest);
  return dir;
}

describe('readCohort', () => {
  it('reads every row of a valid cohort with explicit missing values', () => {
    const cohort = readCohort(SMALL);
    expect(cohort.rows).toHaveLength(4);
    const [a, b, c, d] = cohort.rows;
    expect(a).toMatchObject({
      line: 2,
      record: '../../real/challenge2020/Q0001',
      recordPath: Q0001,
      patientId: 'p1',
      labels: ['nsr'],
      ageYears: 0.027,
      sex: 'M',
      split: 'train',
      window: null,
    });
    expect(a!.clinical).toEqual({ weight_kg: 3.4, post_op_chd: false, setting: 'picu', medications: [] });
    expect(b!.labels).toEqual(['svt', 'pac']);
    expect(b!.clinical.medications).toEqual(['digoxin', 'amiodarone']);
    expect(c).toMatchObject({ ageYears: null, sex: 'F', labels: ['source:(BII'] });
    expect(c!.clinical).toEqual({ weight_kg: null, post_op_chd: null, setting: null, medications: null });
    expect(d).toMatchObject({ ageYears: 17.5, sex: null, split: null });
    expect(d!.clinical.post_op_chd).toBe(true);
  });

  it('reads the same cohort when given the path of its manifest.csv instead of its folder', () => {
    const viaFile = readCohort(join(SMALL, 'manifest.csv'));
    expect(viaFile.dir).toBe(readCohort(SMALL).dir);
    expect(viaFile.rows).toHaveLength(4);
  });

  it('says a missing path is neither a cohort folder nor its manifest', () => {
    expect(() => readCohort(join(SMALL, 'nope'))).toThrow(/not a cohort folder or its manifest\.csv/);
  });

  it('has no problems on the valid fixture', () => {
    expect(validateCohort(SMALL)).toEqual([]);
  });

  it('throws one FewbeatError line naming the manifest and the first problems', () => {
    let caught: unknown;
    try {
      readCohort(BROKEN);
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(FewbeatError);
    const msg = (caught as Error).message;
    expect(msg).not.toContain('\n');
    expect(msg).toContain(join(BROKEN, 'manifest.csv'));
    expect(msg).toContain('manifest.csv line 2, column age_years: impossible age -3');
    expect(msg).toMatch(/and \d+ more/);
  });

  it('reads window rows with start_s and end_s', () => {
    const dir = cohortWith(
      'windows',
      `record,patient_id,label,age_years,sex,start_s,end_s\n${Q0001},p1,nsr,3,F,0,5\n${Q0001},p1,nsr,3,F,5,10\n`,
      '{"version":1,"fields":[]}',
    );
    const rows = readCohort(dir).rows;
    expect(rows.map((r) => r.window)).toEqual([
      { startS: 0, endS: 5 },
      { startS: 5, endS: 10 },
    ]);
  });

  it('accepts CRLF line endings, a BOM and quoted cells', () => {
    const dir = cohortWith(
      'crlf',
      `\uFEFFrecord,patient_id,label,age_years,sex\r\n"${Q0001}","p, 1","nsr;pvc",4,M\r\n`,
      '{"version":1,"fields":[]}',
    );
    expect(readCohort(dir).rows[0]).toMatchObject({ patientId: 'p, 1', labels: ['nsr', 'pvc'], ageYears: 4 });
  });
});

describe('validateCohort', () => {
  const problems = validateCohort(BROKEN);
  const at = (line: number, column: string): string[] =>
    problems.filter((p) => p.line === line && p.column === column).map((p) => p.reason);

  it('reports a negative age', () =>
    expect(at(2, 'age_years')).toEqual(['impossible age -3 years, expected within [0, 120]']));
  it('reports an unknown sex code', () =>
    expect(at(3, 'sex')).toEqual(["unknown sex code 'X', expected M, F or empty"]));
  it('reports a non-numeric numeric field', () => expect(at(4, 'weight_kg')[0]).toMatch(/not a number: 'heavy'/));
  it('reports a non-boolean boolean field', () => expect(at(4, 'post_op_chd')[0]).toMatch(/not a boolean: 'maybe'/));
  it('reports an unknown category', () => expect(at(4, 'setting')[0]).toMatch(/unknown category 'home'/));
  it('reports an unknown multi-label item', () =>
    expect(at(4, 'medications')[0]).toMatch(/unknown label\(s\) 'aspirin'/));
  it('reports a missing record file', () => expect(at(5, 'record')[0]).toMatch(/record not found/));
  it('reports a duplicate record row', () => expect(at(6, 'record')).toEqual(['duplicate of line 2 (same record)']));
  it('reports an empty patient id and an absurd age', () => {
    expect(at(7, 'patient_id')).toEqual(['empty patient id']);
    expect(at(7, 'age_years')[0]).toMatch(/impossible age 130/);
  });
  it('warns, without failing, on a label that is not a known class', () => {
    expect(problems.filter((p) => p.line === 7 && p.column === 'label').map((p) => p.severity)).toEqual(['warning']);
  });
  it('reports a row with too few cells', () => expect(at(8, '')).toEqual(['has 6 cells, the header has 10']));
  it('prints each problem as "manifest.csv line N, column C: reason"', () => {
    expect(formatProblem(problems.find((p) => p.line === 3)!)).toBe(
      "manifest.csv line 3, column sex: unknown sex code 'X', expected M, F or empty",
    );
  });

  it('applies the schema range to age_years when the schema declares it', () => {
    const schema = JSON.stringify({
      version: 1,
      fields: [{ name: 'age_years', type: 'numeric', unit: 'years', range: [0, 18] }],
    });
    const dir = cohortWith('pediatric-range', `record,patient_id,label,age_years,sex\n${Q0001},p1,nsr,40,M\n`, schema);
    expect(validateCohort(dir)).toMatchObject([
      { line: 2, column: 'age_years', reason: "age 40 years is outside the schema's range [0, 18]" },
    ]);
  });

  it('reports unknown and missing columns on line 1', () => {
    const dir = cohortWith('columns', `record,patient_id,label,age_years,colour\n${Q0001},p1,nsr,4,red\n`);
    const found = validateCohort(dir).map((p) => `${p.line}:${p.column}`);
    expect(found).toEqual(expect.arrayContaining(['1:colour', '1:sex', '1:weight_kg', '1:medications']));
  });

  it('reports an invalid clinical-schema.json field by its JSON path', () => {
    const dir = cohortWith(
      'bad-schema',
      `${HEADER}\n`,
      '{"version":1,"fields":[{"name":"x","type":"numeric","unit":"kg"}]}',
    );
    expect(validateCohort(dir)).toContainEqual(
      expect.objectContaining({ file: 'clinical-schema.json', column: 'fields.0.range' }),
    );
  });

  it('reports malformed JSON', () => {
    const dir = cohortWith('json', `${HEADER}\n`, '{\n "version": 1,\n "fields": [,]\n}');
    expect(validateCohort(dir)[0]).toMatchObject({
      file: 'clinical-schema.json',
      reason: expect.stringMatching(/^not valid JSON/),
    });
  });

  it('reports an unclosed quote in the CSV', () => {
    const dir = cohortWith(
      'quote',
      `record,patient_id,label,age_years,sex\n"${Q0001},p1,nsr,4,M\n`,
      '{"version":1,"fields":[]}',
    );
    expect(validateCohort(dir)[0]).toMatchObject({
      file: 'manifest.csv',
      reason: expect.stringMatching(/not valid CSV/),
    });
  });

  it('reports window cells that are missing, reversed or not numbers', () => {
    const dir = cohortWith(
      'bad-windows',
      `record,patient_id,label,age_years,sex,start_s,end_s\n${Q0001},p1,nsr,3,F,5,\n${Q0001}` +
        `,p1,nsr,3,F,5,2\n${Q0001},p1,nsr,3,F,x,2\n`,
      '{"version":1,"fields":[]}',
    );
    expect(validateCohort(dir).map((p) => `${p.line}:${p.column}`)).toEqual(['2:end_s', '3:end_s', '4:start_s']);
  });

  it('reports a folder that does not exist', () => {
    expect(validateCohort(join(tmp, 'nope'))[0]!.reason).toMatch(/no such directory/);
  });
});
