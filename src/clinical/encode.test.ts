import { describe, expect, it } from 'vitest';
import { Rng } from '../util/rng.js';
import { ClinicalEncoder, dropClinicalFields, type ClinicalInput } from './encode.js';
import type { ClinicalSchema } from './schema.js';

const schema: ClinicalSchema = {
  version: 1,
  fields: [
    { name: 'weight_kg', type: 'numeric', unit: 'kg', range: [0.3, 200] },
    { name: 'potassium', type: 'numeric', unit: 'mmol/L', range: [1, 10] },
    { name: 'syncope', type: 'boolean' },
    { name: 'chd_type', type: 'categorical', categories: ['none', 'tof', 'vsd'] },
    { name: 'medications', type: 'multi-label', labels: ['digoxin', 'qt_drug', 'beta_blocker'] },
  ],
};

/** Infants weigh ~5 kg, teenagers ~50 kg: weight is age-dependent; potassium is not. */
function rows(): ClinicalInput[] {
  const out: ClinicalInput[] = [];
  for (let i = 0; i < 20; i++) {
    out.push({
      ageYears: 0.4,
      sex: 'M',
      clinical: {
        weight_kg: 5 + (i % 5) * 0.5,
        potassium: 3.5 + (i % 4) * 0.3,
        syncope: false,
        chd_type: 'none',
        medications: [],
      },
    });
    out.push({
      ageYears: 14,
      sex: 'F',
      clinical: {
        weight_kg: 50 + (i % 5) * 2,
        potassium: 3.5 + ((i + 1) % 4) * 0.3,
        syncope: true,
        chd_type: 'tof',
        medications: ['digoxin'],
      },
    });
  }
  return out;
}

describe('ClinicalEncoder', () => {
  const enc = ClinicalEncoder.fit(schema, rows());

  it('lays out every field with a missingness indicator, and an age-normalised variant only where age matters', () => {
    expect(enc.slotNames()).toEqual([
      'age_years',
      'age_years?',
      'sex=M',
      'sex=F',
      'sex?',
      'weight_kg',
      'weight_kg@age',
      'weight_kg?',
      'potassium',
      'potassium?',
      'syncope',
      'syncope?',
      'chd_type=none',
      'chd_type=tof',
      'chd_type=vsd',
      'chd_type?',
      'medications=digoxin',
      'medications=qt_drug',
      'medications=beta_blocker',
      'medications?',
    ]);
    expect(enc.size).toBe(20);
  });

  it('standardises numerics with the training mean and sd (hand-computed)', () => {
    // weight: infants {5, 5.5, 6, 6.5, 7} (mean 6, var 0.5), teenagers {50, ..., 58} (mean 54, var 8), equal counts:
    // mean 30, variance = within (0.5 + 8)/2 + between 24² = 580.25.
    const sd = Math.sqrt(580.25);
    const x = enc.encode({
      ageYears: 0.4,
      sex: 'M',
      clinical: { weight_kg: 6, potassium: null, syncope: null, chd_type: null, medications: null },
    });
    expect(x[5]).toBeCloseTo((6 - 30) / sd, 5);
    // within the 6–12 mo band the mean is 6 kg: the age-normalised value is 0.
    expect(x[6]).toBeCloseTo(0, 5);
    expect(x[7]).toBe(0);
  });

  it('encodes age as z of log(1 + years) and sex, booleans, categories and label sets as one-/multi-hot', () => {
    const x = enc.encode({
      ageYears: 14,
      sex: 'F',
      clinical: {
        weight_kg: 50,
        potassium: 4,
        syncope: true,
        chd_type: 'vsd',
        medications: ['qt_drug', 'beta_blocker'],
      },
    });
    const logMean = (Math.log1p(0.4) + Math.log1p(14)) / 2;
    const logSd = (Math.log1p(14) - Math.log1p(0.4)) / 2;
    expect(x[0]).toBeCloseTo((Math.log1p(14) - logMean) / logSd, 5);
    expect(Array.from(x.subarray(2, 5))).toEqual([0, 1, 0]);
    expect(Array.from(x.subarray(10, 12))).toEqual([1, 0]);
    expect(Array.from(x.subarray(12, 16))).toEqual([0, 0, 1, 0]);
    expect(Array.from(x.subarray(16, 20))).toEqual([0, 1, 1, 0]);
  });

  it('marks missing values with the indicator and zeros, and an empty label set is present, not missing', () => {
    const x = enc.encode({
      ageYears: null,
      sex: null,
      clinical: { weight_kg: null, potassium: null, syncope: null, chd_type: null, medications: [] },
    });
    expect(Array.from(x)).toEqual([0, 1, 0, 0, 1, 0, 0, 1, 0, 1, 0, 1, 0, 0, 0, 1, 0, 0, 0, 0]);
  });

  it('rejects a category the schema does not know, naming the field', () => {
    expect(() =>
      enc.encode({
        ageYears: 1,
        sex: 'M',
        clinical: { weight_kg: 9, potassium: 4, syncope: false, chd_type: 'asd', medications: [] },
      }),
    ).toThrow("clinical field chd_type: 'asd' is not one of none, tof, vsd");
  });

  it('log-transforms a positive right-skewed lab and clips extreme z-scores at ±5', () => {
    const troponinSchema: ClinicalSchema = {
      version: 1,
      fields: [{ name: 'troponin', type: 'numeric', unit: 'ng/L', range: [0, 100000] }],
    };
    // Mostly 1–10 ng/L, a few very high values: skewness far above 2.
    const values = [...Array.from({ length: 40 }, (_, i) => 1 + (i % 10)), 500, 2000, 8000];
    const e = ClinicalEncoder.fit(
      troponinSchema,
      values.map((v) => ({ ageYears: 5, sex: 'F', clinical: { troponin: v } })),
    );
    expect(e.state.numeric.troponin?.transform).toBe('log');
    const logs = values.map(Math.log);
    const mean = logs.reduce((a, b) => a + b) / logs.length;
    const sd = Math.sqrt(logs.reduce((a, b) => a + (b - mean) ** 2, 0) / logs.length);
    const at = (v: number): number => e.encode({ ageYears: 5, sex: 'F', clinical: { troponin: v } })[5] as number;
    expect(at(20)).toBeCloseTo((Math.log(20) - mean) / sd, 5);
    expect(at(1e9)).toBe(5);
    expect(enc.state.numeric.weight_kg?.transform).toBeUndefined(); // symmetric enough: kept linear
  });

  it('round-trips through its JSON state', () => {
    const again = new ClinicalEncoder(JSON.parse(JSON.stringify(enc.state)));
    const input = rows()[3] as ClinicalInput;
    expect(again.encode(input)).toEqual(enc.encode(input));
  });
});

describe('dropClinicalFields (metadata dropout)', () => {
  const enc = ClinicalEncoder.fit(schema, rows());
  const x = enc.encode(rows()[1] as ClinicalInput);

  it('masks fields as missing at about the requested rate, reproducibly', () => {
    const rng = new Rng(5);
    let dropped = 0;
    const n = 2000;
    for (let i = 0; i < n; i++) {
      const y = dropClinicalFields(x, enc.blocks, 0.3, rng);
      for (const b of enc.blocks) dropped += y[b.start + b.width] as number;
    }
    expect(dropped / (n * enc.blocks.length)).toBeCloseTo(0.3, 1);
    expect(dropClinicalFields(x, enc.blocks, 0.3, new Rng(1))).toEqual(
      dropClinicalFields(x, enc.blocks, 0.3, new Rng(1)),
    );
  });

  it('zeros the values of a dropped field and leaves the input untouched', () => {
    const y = dropClinicalFields(x, enc.blocks, 1, new Rng(2));
    for (const b of enc.blocks) {
      expect(y[b.start + b.width]).toBe(1);
      for (let k = 0; k < b.width; k++) expect(y[b.start + k]).toBe(0);
    }
    expect(x[3]).toBe(1);
    expect(dropClinicalFields(x, enc.blocks, 0, new Rng(2))).toEqual(x);
  });
});
