import { describe, expect, it } from 'vitest';
import type { ClinicalField } from '../api/types';
import { fieldLabel, parseFieldInput } from './clinical-input';

const hr: ClinicalField = { name: 'heart_rate_bpm', type: 'numeric', unit: 'bpm', range: [20, 300] };
const syncope: ClinicalField = { name: 'syncope', type: 'boolean' };
const setting: ClinicalField = { name: 'setting', type: 'categorical', categories: ['ward', 'icu'] };
const meds: ClinicalField = { name: 'medication', type: 'multi-label', labels: ['digoxin', 'amiodarone'] };

describe('clinical form input', () => {
  it('reads an empty field as missing, never as zero or no', () => {
    for (const f of [hr, syncope, setting, meds]) expect(parseFieldInput(f, '')).toEqual({ ok: true, value: null });
    expect(parseFieldInput(meds, [])).toEqual({ ok: true, value: null });
  });

  it('reads numbers with a decimal point or a decimal comma', () => {
    expect(parseFieldInput(hr, ' 120.5 ')).toEqual({ ok: true, value: 120.5 });
    expect(parseFieldInput(hr, '98,5')).toEqual({ ok: true, value: 98.5 });
  });

  it('explains a value that is not a number or outside the plausible range, with the unit', () => {
    expect(parseFieldInput(hr, '12O')).toEqual({ ok: false, error: '“12O” is not a number (in bpm)' });
    expect(parseFieldInput(hr, '400')).toEqual({
      ok: false,
      error: '400 bpm is outside the plausible range 20 to 300 bpm',
    });
    expect(parseFieldInput(hr, 'Infinity').ok).toBe(false);
  });

  it('reads yes and no, and offered categories only', () => {
    expect(parseFieldInput(syncope, 'yes')).toEqual({ ok: true, value: true });
    expect(parseFieldInput(syncope, 'no')).toEqual({ ok: true, value: false });
    expect(parseFieldInput(setting, 'icu')).toEqual({ ok: true, value: 'icu' });
    expect(parseFieldInput(setting, 'er').ok).toBe(false);
  });

  it('reads several labels and names the ones it does not know', () => {
    expect(parseFieldInput(meds, ['digoxin', 'amiodarone'])).toEqual({ ok: true, value: ['digoxin', 'amiodarone'] });
    expect(parseFieldInput(meds, 'digoxin;aspirin')).toEqual({
      ok: false,
      error: 'not one of digoxin, amiodarone: aspirin',
    });
  });

  it('turns a field name into a label without repeating its unit', () => {
    expect(fieldLabel('heart_rate_bpm')).toBe('Heart rate bpm');
    expect(fieldLabel('heart_rate_bpm', 'bpm')).toBe('Heart rate');
    expect(fieldLabel('potassium_mmol_l', 'mmol/L')).toBe('Potassium');
    expect(fieldLabel('age_years', 'years')).toBe('Age');
    expect(fieldLabel('years', 'years')).toBe('Years');
  });
});
