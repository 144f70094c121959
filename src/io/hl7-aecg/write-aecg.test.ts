import { describe, expect, it } from 'vitest';
import { clinicalBytes, clinicalPath } from '../../test-utils/clinical-formats.js';
import { realPath } from '../../test-utils/real-data.js';
import type { Ecg } from '../ecg.js';
import { readEcg } from '../wfdb/record.js';
import { readXmlEcg } from '../xml/read-xml-ecg.js';
import { encodeLead } from './exact-scale.js';
import { writeAecg } from './write-aecg.js';

function roundTrip(ecg: Ecg): Ecg {
  return readXmlEcg(Buffer.from(writeAecg(ecg, { id: '00000000-0000-4000-8000-000000000000' }), 'utf8'), 'out.xml');
}

function expectSameSamples(a: Ecg, b: Ecg): void {
  expect(b.fs).toBe(a.fs);
  expect(b.leads).toEqual(a.leads);
  expect(b.units).toEqual(a.leads.map(() => 'mV'));
  for (const [i, lead] of a.leads.entries()) {
    const x = a.signals[i]!;
    const y = b.signals[i]!;
    expect(y.length, lead).toBe(x.length);
    // Bit-for-bit: every float64 equal (Object.is also tells -0 from 0, which the format cannot; compare values).
    let differing = 0;
    for (let k = 0; k < x.length; k++) if (x[k] !== y[k]) differing++;
    expect(differing, lead).toBe(0);
  }
}

describe('aECG writer', () => {
  it('round-trips the ECGToolkit aECG example exactly, median beat, age, sex and time included', () => {
    const ecg = readXmlEcg(clinicalBytes('hl7-aecg/ecgtoolkit-Example.xml'), 'example.xml');
    const back = roundTrip(ecg);
    expectSameSamples(ecg, back);
    expectSameSamples(ecg.meta!.groups![0]!.ecg, back.meta!.groups![0]!.ecg);
    expect(back.meta).toMatchObject({ sex: 'M', ageYears: 46, acquired: '2002-11-22T09:10:00' });
  });

  const mitdb = realPath('mitdb/200.hea');
  it.skipIf(mitdb === null)('round-trips 10 s of MIT-BIH record 200 (WFDB, 360 Hz, gain 200/mV) exactly', () => {
    const ecg = readEcg(mitdb!.replace(/\.hea$/, ''), { from: 0, to: 3600 });
    expect(ecg.fs).toBe(360);
    expectSameSamples(ecg, roundTrip(ecg));
  });

  const muse = clinicalPath('ge-muse/braveheart-example1.xml');
  it.skipIf(muse === null)('round-trips a GE MUSE export exactly (4.88 uV per bit, derived limb leads)', () => {
    const ecg = readXmlEcg(clinicalBytes('ge-muse/braveheart-example1.xml'), 'muse.xml');
    expectSameSamples(ecg, roundTrip(ecg));
  });

  it('round-trips the Philips 1.04 sample exactly (5 uV units, rebuilt limb leads)', () => {
    const ecg = readXmlEcg(clinicalBytes('philips-sierra/3191723_ZZDEMOPTONLY_1-04_orig.xml'), 'philips.xml');
    expectSameSamples(ecg, roundTrip(ecg));
  });

  it('writes the scale of a 2.5 uV grid as 2.5 uV and binary fractions as an exact power of two in mV', () => {
    const grid = encodeLead(Float64Array.from([-2, 0, 3, 7], (d) => (d * 2.5) / 1000));
    expect(grid).toMatchObject({ scale: '2.5', unit: 'uV', exact: true });
    expect(Array.from(grid.digits)).toEqual([-2, 0, 3, 7]);
    const binary = encodeLead(Float64Array.from([0.5, 0.125, -0.0078125]));
    expect(binary).toMatchObject({ scale: '0.0078125', unit: 'mV', exact: true });
    expect(Array.from(binary.digits)).toEqual([64, 16, -1]);
  });

  it('refuses NaN samples (aECG digits are integers), naming the lead', () => {
    const ecg: Ecg = { fs: 500, leads: ['I'], signals: [Float64Array.of(0, NaN)], units: ['mV'], source: 'x' };
    expect(() => writeAecg(ecg)).toThrow('x: lead I: sample 1 is NaN; aECG digits cannot hold invalid samples');
  });
});
