import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { clinicalBytes, clinicalPath } from '../../test-utils/clinical-formats.js';
import { parseXml } from '../xml/parse-xml.js';
import { readXmlEcg } from '../xml/read-xml-ecg.js';
import { decodeXmlText } from '../xml/xml-text.js';
import { decodePhilipsWaveforms, PHILIPS_RAW_ELEMENTS } from './read-philips.js';

/** pysierraecg's decoding of the three sample files (label, length, first 10, middle and sum of every lead). */
interface ExpectedLead {
  label: string;
  samples: number;
  fs: number;
  first10: number[];
  sum: number;
  middle: number;
}
const expected = JSON.parse(readFileSync(clinicalPath('philips-sierra/expected.json') ?? '', 'utf8')) as Record<
  string,
  { leads: ExpectedLead[] }
>;

const FILES = [
  ['129DYPRG.XML', 'SierraECG 1.03, UTF-8'],
  ['3191723_ZZDEMOPTONLY_1-04_orig.xml', 'PhilipsECG 1.04, UTF-16'],
  ['2020-5-18_15-48-11.xml', 'PhilipsECG 1.04.01, UTF-16'],
] as const;

function decode(name: string) {
  const file = `philips-sierra/${name}`;
  const doc = parseXml(decodeXmlText(clinicalBytes(file), file), file, PHILIPS_RAW_ELEMENTS);
  return decodePhilipsWaveforms(doc.root, file);
}

describe('Philips Sierra / PageWriter XML', () => {
  for (const [name, what] of FILES) {
    it(`decodes ${name} (${what}) exactly as the reference decoder pysierraecg`, () => {
      const w = decode(name);
      const want = expected[name]!.leads;
      expect(w.labels).toEqual(want.map((l) => l.label));
      for (const [i, lead] of want.entries()) {
        const s = w.samples[i]!;
        expect(s.length, lead.label).toBe(lead.samples);
        expect(w.fs).toBe(lead.fs);
        expect(Array.from(s.subarray(0, 10)), lead.label).toEqual(lead.first10);
        expect(s[Math.floor(s.length / 2)], lead.label).toBe(lead.middle);
        expect(
          s.reduce((a, v) => a + v, 0),
          lead.label,
        ).toBe(lead.sum);
      }
    });
  }

  it("gives the middle samples of 129DYPRG that the reference decoder's own tests assert", () => {
    const w = decode('129DYPRG.XML');
    expect(w.samples.map((s) => s[s.length / 2])).toEqual([-9, -17, -7, 13, -1, -12, 0, -1, -3, -4, -7, -6]);
  });

  it('returns mV (5 uV per unit), the patient, the statements, the measurements and the median beats', () => {
    const ecg = readXmlEcg(clinicalBytes('philips-sierra/2020-5-18_15-48-11.xml'), '2020-5-18_15-48-11.xml');
    expect(ecg.fs).toBe(500);
    expect(ecg.units).toEqual(Array(12).fill('mV'));
    // Lead II's first sample is 139 units of 5 uV (pysierraecg) = 0.695 mV.
    expect(ecg.signals[1]![0]).toBeCloseTo(0.695, 12);
    expect(ecg.meta?.format).toBe('philips');
    expect(ecg.meta?.acquired).toBe('2020-05-18T15:48:11');
    expect(ecg.meta?.sex).toBeUndefined(); // the file says "Unknown"
    expect(ecg.meta?.ageYears).toBeCloseTo(69.4, 1); // born 1951-01-01, recorded 2020-05-18
    expect(ecg.meta?.statements?.[0]).toBe('Sinus rhythm; normal P axis, V-rate 50-99');
    expect(ecg.meta?.deviceMeasurements?.heartrate).toBe(64);
    expect(ecg.meta?.deviceMeasurements?.qtint).toBe(399);
    const beat = ecg.meta?.groups?.[0];
    expect(beat?.name).toBe('median beat');
    expect(beat?.ecg.fs).toBe(1000);
    expect(beat?.ecg.leads).toEqual(ecg.leads);
    // First repbeat sample of lead I: bytes FE FF = -2 units of 1 uV.
    expect(beat?.ecg.signals[0]![0]).toBeCloseTo(-0.002, 12);
  });

  it('drops the 32767 filler after the representative beats of a 1.04 file (600 of 1,200 samples are beat)', () => {
    const name = '3191723_ZZDEMOPTONLY_1-04_orig.xml';
    const ecg = readXmlEcg(clinicalBytes(`philips-sierra/${name}`), name);
    const beat = ecg.meta?.groups?.[0]?.ecg;
    expect(beat?.fs).toBe(500);
    expect(beat?.signals.map((s) => s.length)).toEqual(Array(12).fill(600));
    expect(beat?.signals.every((s) => s.every((v) => Number.isFinite(v) && Math.abs(v) < 5))).toBe(true);
    // First repbeat sample of lead I: bytes 1A 00 = 26 units of 2.5 uV.
    expect(beat?.signals[0]![0]).toBe((26 * 2.5) / 1000);
  });

  it('reads age in years and sex from a 1.03 file', () => {
    const ecg = readXmlEcg(clinicalBytes('philips-sierra/129DYPRG.XML'), '129DYPRG.XML');
    expect(ecg.meta?.ageYears).toBe(50);
    expect(ecg.meta?.sex).toBe('M');
    expect(ecg.meta?.device).toContain('HeartstartMRx');
  });
});
