import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { clinicalBytes, clinicalPath } from '../../test-utils/clinical-formats.js';
import { readXmlEcg } from '../xml/read-xml-ecg.js';

const EXAMPLE = 'hl7-aecg/ecgtoolkit-Example.xml';
const MINIMUM = 'hl7-aecg/fda-minimum_aecg.xml';

/** The integers of the n-th `<digits>` element of the file, read with a plain regular expression. */
function digitsInFile(rel: string, n: number): number[] {
  const xml = readFileSync(clinicalPath(rel)!, 'utf8');
  const m = [...xml.matchAll(/<digits>([^<]*)<\/digits>/g)][n]!;
  return m[1]!.trim().split(/\s+/).map(Number);
}

describe('HL7 aECG', () => {
  it('reads the ECGToolkit example: 12 leads x 5,000 samples at 500 Hz from their MDC codes, in mV', () => {
    const ecg = readXmlEcg(clinicalBytes(EXAMPLE), 'ecgtoolkit-Example.xml');
    expect(ecg.fs).toBe(500);
    expect(ecg.leads).toEqual(['I', 'II', 'V1', 'V2', 'V3', 'V4', 'V5', 'V6', 'III', 'aVR', 'aVL', 'aVF']);
    expect(ecg.units).toEqual(Array(12).fill('mV'));
    for (const [i, lead] of ecg.leads.entries()) {
      const digits = digitsInFile(EXAMPLE, i);
      expect(ecg.signals[i]!.length, lead).toBe(5000);
      expect(digits.length, lead).toBe(5000);
      // origin 0 uV, scale 2.5 uV: mV = digit x 2.5 / 1000
      expect(Array.from(ecg.signals[i]!), lead).toEqual(digits.map((d) => (d * 2.5) / 1000));
    }
  });

  it(
    'gives the first samples the ECGToolkit trio shares (2.5 uV units, ' + 'leads I, II, III, aVR, aVL, aVF, V1-V6)',
    () => {
      // The same recording as ecgtoolkit-Example.dcm and ecgtoolkit-Example.scp (SOURCES.md of the sample set).
      const trio = [-2, -7, -5, 4, 1, -6, 43, 55, 40, 28, 23, -9];
      const ecg = readXmlEcg(clinicalBytes(EXAMPLE), 'ecgtoolkit-Example.xml');
      const order = ['I', 'II', 'III', 'aVR', 'aVL', 'aVF', 'V1', 'V2', 'V3', 'V4', 'V5', 'V6'];
      expect(order.map((l) => (ecg.signals[ecg.leads.indexOf(l)]![0]! * 1000) / 2.5)).toEqual(trio);
    },
  );

  it('reads the representative beat as the median-beat group (599 samples, relative time)', () => {
    const ecg = readXmlEcg(clinicalBytes(EXAMPLE), 'ecgtoolkit-Example.xml');
    const beat = ecg.meta?.groups?.find((g) => g.name === 'median beat');
    expect(beat?.ecg.fs).toBe(500);
    expect(beat?.ecg.leads).toHaveLength(12);
    expect(beat?.ecg.signals[0]!.length).toBe(599);
    expect(Array.from(beat!.ecg.signals[0]!.subarray(0, 5))).toEqual([4, 4, 2, 3, 4].map((d) => (d * 2.5) / 1000));
    // Its wave boundaries, in seconds from the beat's start (TIME_RELATIVE).
    expect(beat?.ecg.meta?.annotations?.map((a) => a.code)).toEqual([
      'MDC_ECG_WAVC_PWAVE',
      'MDC_ECG_WAVC_QRSWAVE',
      'MDC_ECG_WAVC_TWAVE:end',
    ]);
  });

  it('keeps the patient, the device, the global measurements and the annotations (seconds from the start)', () => {
    const ecg = readXmlEcg(clinicalBytes(EXAMPLE), 'ecgtoolkit-Example.xml');
    expect(ecg.meta).toMatchObject({
      format: 'hl7-aecg',
      sex: 'M',
      ageYears: 46,
      acquired: '2002-11-22T09:10:00',
      device: 'Mortara Instrument, Inc. ELI250',
    });
    expect(ecg.meta?.deviceMeasurements).toMatchObject({ MDC_ECG_TIME_PD_QRS: 120, MDC_ECG_TIME_PD_QT: 420 });
    const marks = ecg.meta?.annotations ?? [];
    expect(marks).toContainEqual({ code: 'MDC_ECG_RHY_SINUS_RHY', startS: 0, endS: 10 });
    // <low value="20021122091000.122"/> <high value="20021122091000.224"/> against the head 20021122091000.000
    expect(marks).toContainEqual({ code: 'MDC_ECG_WAVC_PWAVE', startS: 0.122, endS: 0.224 });
    // A T wave given only by its end
    expect(marks).toContainEqual({ code: 'MDC_ECG_WAVC_TWAVE:end', startS: 0.69 });
    // A reader's R-peak mark on lead I at 332 ms (TIME_RELATIVE), with its lead.
    expect(marks).toContainEqual({ code: 'MDC_ECG_WAVC_PEAK', startS: 0.332, lead: 'I' });
  });

  it('reads the minimal aECG document: one lead of 13 samples, no patient data', () => {
    const ecg = readXmlEcg(clinicalBytes(MINIMUM), 'fda-minimum_aecg.xml');
    expect(ecg.fs).toBe(500);
    expect(ecg.leads).toEqual(['II']);
    expect(Array.from(ecg.signals[0]!)).toEqual(digitsInFile(MINIMUM, 0).map((d) => (d * 2.5) / 1000));
    expect(ecg.meta?.groups).toBeUndefined();
    expect(ecg.meta?.sex).toBeUndefined();
  });

  it('applies a non-zero origin and mV units: value = origin + scale x digit', () => {
    const xml = readFileSync(clinicalPath(MINIMUM)!, 'utf8')
      .replace('<origin value="0" unit="uV"/>', '<origin value="1" unit="mV"/>')
      .replace('<scale value="2.5" unit="uV"/>', '<scale value="0.5" unit="mV"/>');
    const ecg = readXmlEcg(Buffer.from(xml), 'origin.xml');
    expect(Array.from(ecg.signals[0]!)).toEqual(digitsInFile(MINIMUM, 0).map((d) => 1 + 0.5 * d));
  });

  it('refuses digits that are not integers, naming the lead and the digit', () => {
    const xml = readFileSync(clinicalPath(MINIMUM)!, 'utf8').replace('-2 -2 -2 -2 -3', '-2 -2 x7 -2 -3');
    expect(() => readXmlEcg(Buffer.from(xml), 'bad.xml')).toThrow(
      'bad.xml: series 1 (RHYTHM) lead II: digit 3 "x7" is not an integer',
    );
  });

  it('refuses a series whose leads differ in length', () => {
    const xml = readFileSync(clinicalPath(EXAMPLE)!, 'utf8').replace('<digits> -7 -7 -7', '<digits> -7 -7');
    expect(() => readXmlEcg(Buffer.from(xml), 'uneven.xml')).toThrow(
      'uneven.xml: series 1 (RHYTHM): lead II has 4999 samples, lead I 5000',
    );
  });
});
