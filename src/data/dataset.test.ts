import { describe, expect, it } from 'vitest';
import type { Ecg } from '../io/ecg.js';
import type { Cohort, CohortRow } from '../io/manifest/cohort.js';
import { FewbeatError } from '../errors.js';
import { ageBandOf } from '../clinical/age-bands.js';
import { loadDataset } from './dataset.js';
import type { PreprocessSpec } from './preprocess.js';

const spec: PreprocessSpec = { fs: 50, samples: 250, leads: ['I', 'II'], bandpassHz: [0.5, 20], filterOrder: 2 };

function row(line: number, labels: string[], patientId: string): CohortRow {
  return {
    line,
    record: `r${line}`,
    recordPath: `/c/r${line}`,
    patientId,
    labels,
    ageYears: 2,
    sex: 'F',
    split: null,
    window: null,
    clinical: {},
  };
}
const cohort: Cohort = {
  dir: '/c',
  schema: { version: 1, fields: [] },
  rows: [row(2, ['nsr'], 'a'), row(3, ['pvc', 'svt'], 'b'), row(4, ['brugada'], 'c')],
};
const ecg = (): Ecg => {
  const x = Float64Array.from({ length: 1000 }, (_, i) => Math.sin(i / 10));
  return { fs: 100, leads: ['I', 'II'], signals: [x, x], units: ['mV', 'mV'] };
};

describe('loadDataset', () => {
  it('keeps the rows of the asked classes, labelled with their first asked label, preprocessed', () => {
    const d = loadDataset(cohort, spec, { classes: new Set(['nsr', 'svt']), loadRecord: ecg });
    expect(d.examples.map((e) => [e.record, e.label])).toEqual([
      ['r2', 'nsr'],
      ['r3', 'svt'],
    ]);
    expect(d.examples[0]?.signal).toHaveLength(250 * 2);
    expect(Array.from(d.examples[0]?.mask ?? [])).toEqual([1, 1]);
    expect(d.examples[1]?.ageBand).toBe('1-3y');
  });

  it('names the record and the manifest line when a recording cannot be read', () => {
    const broken = (): Ecg => {
      throw new RangeError('offset out of bounds');
    };
    expect(() => loadDataset(cohort, spec, { loadRecord: broken })).toThrow(
      '/c/r2: manifest line 2: offset out of bounds',
    );
    expect(() => loadDataset(cohort, spec, { loadRecord: broken })).toThrow(FewbeatError);
  });

  it("fills a row's empty age and sex from the recording's file, and keeps those the manifest gives", () => {
    const rows = [{ ...row(2, ['nsr'], 'a'), ageYears: null, sex: null }, row(3, ['nsr'], 'b')];
    const fromFile = (): Ecg => ({ ...ecg(), meta: { format: 'dicom', ageYears: 8, sex: 'M' } });
    const d = loadDataset({ ...cohort, rows }, spec, { loadRecord: fromFile, measure: false });
    expect(d.examples.map((e) => [e.ageYears, e.sex, e.ageBand])).toEqual([
      [8, 'M', ageBandOf(8)],
      [2, 'F', ageBandOf(2)],
    ]);
  });
});
