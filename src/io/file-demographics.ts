import type { EcgMetadata } from './ecg.js';

/**
 * Age and sex for the clinical context: what the user (or the manifest) gave, else what the recording's file says
 * (hospital exports carry the patient's age and sex). `fromFile` lists the fields taken from the file.
 */
export function withFileDemographics<T extends { ageYears: number | null; sex: 'M' | 'F' | null }>(
  given: T,
  meta: EcgMetadata | undefined,
): T & { fromFile: Array<'age_years' | 'sex'> } {
  const fromFile: Array<'age_years' | 'sex'> = [];
  let { ageYears, sex } = given;
  if (ageYears === null && meta?.ageYears !== undefined && Number.isFinite(meta.ageYears) && meta.ageYears >= 0) {
    ageYears = meta.ageYears;
    fromFile.push('age_years');
  }
  if (sex === null && meta?.sex !== undefined) {
    sex = meta.sex;
    fromFile.push('sex');
  }
  return { ...given, ageYears, sex, fromFile };
}
