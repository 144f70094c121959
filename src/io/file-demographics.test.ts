import { describe, expect, it } from 'vitest';
import { withFileDemographics } from './file-demographics.js';

describe('withFileDemographics', () => {
  it("takes the file's age and sex only where none was given, and says which", () => {
    expect(withFileDemographics({ ageYears: null, sex: null }, { ageYears: 0.5, sex: 'F' })).toEqual({
      ageYears: 0.5,
      sex: 'F',
      fromFile: ['age_years', 'sex'],
    });
    expect(withFileDemographics({ ageYears: 3, sex: null, clinical: {} }, { ageYears: 0.5, sex: 'F' })).toEqual({
      ageYears: 3,
      sex: 'F',
      clinical: {},
      fromFile: ['sex'],
    });
    expect(withFileDemographics({ ageYears: null, sex: 'M' }, undefined)).toEqual({
      ageYears: null,
      sex: 'M',
      fromFile: [],
    });
  });
});
