import { describe, expect, it } from 'vitest';
import { clinicalBytes, clinicalPath } from '../../test-utils/clinical-formats.js';
import { readXmlEcg } from '../xml/read-xml-ecg.js';

// GE MUSE samples are GPL-3.0: read from the shared data set only (never copied into the repository).
const FILES = [1, 2, 3, 4].map((i) => `ge-muse/braveheart-example${i}.xml`);
const present = FILES.every((f) => clinicalPath(f) !== null);

/** The base64 payloads of the file's `WaveFormData` elements, in file order (median beat first, then rhythm). */
function payloads(xml: string): Buffer[] {
  return [...xml.matchAll(/<WaveFormData>([^<]*)<\/WaveFormData>/g)].map((m) => Buffer.from(m[1]!, 'base64'));
}

describe.skipIf(!present)('GE MUSE XML', () => {
  for (const rel of FILES) {
    it(`reads ${rel.split('/')[1]}: every lead's CRC-32 matches, 12 leads of 5,000 samples at 500 Hz`, () => {
      const ecg = readXmlEcg(clinicalBytes(rel), rel);
      expect(ecg.fs).toBe(500);
      expect(ecg.leads).toEqual(['I', 'II', 'III', 'aVR', 'aVL', 'aVF', 'V1', 'V2', 'V3', 'V4', 'V5', 'V6']);
      expect(ecg.signals.every((s) => s.length === 5000)).toBe(true);
      expect(ecg.units.every((u) => u === 'mV')).toBe(true);
      const beat = ecg.meta?.groups?.[0];
      expect(beat?.name).toBe('median beat');
      expect(beat?.ecg.signals.map((s) => s.length)).toEqual(Array(12).fill(600));
    });
  }

  it('scales int16 samples by 4.88 uV per bit into mV (stored leads I, II, V1-V6 in file order)', () => {
    const bytes = clinicalBytes(FILES[0]!);
    const ecg = readXmlEcg(bytes, 'example1.xml');
    const rhythm = payloads(Buffer.from(bytes).toString('latin1')).slice(8);
    const stored = ['I', 'II', 'V1', 'V2', 'V3', 'V4', 'V5', 'V6'];
    for (const [k, lead] of stored.entries()) {
      const sig = ecg.signals[ecg.leads.indexOf(lead)]!;
      for (const i of [0, 1, 2500, 4999]) expect(sig[i]).toBeCloseTo((rhythm[k]!.readInt16LE(2 * i) * 4.88) / 1000, 12);
    }
  });

  it('derives III, aVR, aVL and aVF from I and II by the standard formulas', () => {
    const ecg = readXmlEcg(clinicalBytes(FILES[1]!), 'example2.xml');
    const lead = (n: string): Float64Array => ecg.signals[ecg.leads.indexOf(n)]!;
    const [i1, i2] = [lead('I'), lead('II')];
    for (let k = 0; k < i1.length; k += 7) {
      expect(lead('III')[k]).toBeCloseTo(i2[k]! - i1[k]!, 12);
      expect(lead('aVR')[k]).toBeCloseTo(-(i1[k]! + i2[k]!) / 2, 12);
      expect(lead('aVL')[k]).toBeCloseTo(i1[k]! - i2[k]! / 2, 12);
      expect(lead('aVF')[k]).toBeCloseTo(i2[k]! - i1[k]! / 2, 12);
    }
  });

  it("keeps the device's measurements", () => {
    const ecg = readXmlEcg(clinicalBytes(FILES[0]!), 'example1.xml');
    expect(ecg.meta?.format).toBe('ge-muse');
    expect(ecg.meta?.deviceMeasurements).toMatchObject({ VentricularRate: 48, PRInterval: 138, QTCorrected: 403 });
    expect(ecg.meta?.device).toBe('MUSE 9.0.7.17363');
  });

  it('reads age with its units, sex, acquisition and diagnosis statements when the export has them', () => {
    const xml = Buffer.from(clinicalBytes(FILES[0]!)).toString('latin1');
    const withPatient = xml.replace(
      '<RestingECG>',
      `<RestingECG>
   <PatientDemographics><PatientAge>7</PatientAge><AgeUnits>MONTHS</AgeUnits>` +
        `<Gender>FEMALE</Gender></PatientDemographics>
   <TestDemographics><AcquisitionDevice>MAC5500</AcquisitionDevice><AcquisitionTime>09:41:07</AcquisitionTime>
      <AcquisitionDate>03-14-2019</AcquisitionDate></TestDemographics>
   <Diagnosis><Modality>RESTING</Modality>
      <DiagnosisStatement><StmtFlag>ENDSLINE</StmtFlag><StmtText>Sinus tachycardia</StmtText></DiagnosisStatement>
      <DiagnosisStatement><StmtText>Right ventricular hypertrophy &amp; strain</StmtText></DiagnosisStatement>
   </Diagnosis>`,
    );
    const ecg = readXmlEcg(Buffer.from(withPatient, 'latin1'), 'with-patient.xml');
    expect(ecg.meta?.ageYears).toBeCloseTo(7 / 12, 12);
    expect(ecg.meta?.sex).toBe('F');
    expect(ecg.meta?.acquired).toBe('2019-03-14T09:41:07');
    expect(ecg.meta?.device).toBe('MAC5500');
    expect(ecg.meta?.statements).toEqual(['Sinus tachycardia', 'Right ventricular hypertrophy & strain']);
  });

  it('refuses a lead whose data do not match its LeadDataCRC32, naming the lead', () => {
    const xml = Buffer.from(clinicalBytes(FILES[0]!)).toString('latin1');
    // Change one base64 character inside the rhythm lead V1 (the 11th payload): same length, different bytes.
    const at = [...xml.matchAll(/<WaveFormData>/g)][10]!.index! + '<WaveFormData>'.length + 20;
    const c = xml[at] === 'A' ? 'B' : 'A';
    const bad = xml.slice(0, at) + c + xml.slice(at + 1);
    expect(() => readXmlEcg(Buffer.from(bad, 'latin1'), 'bad.xml')).toThrow(
      /^bad\.xml: Rhythm lead V1: LeadDataCRC32 mismatch: the file says \d+, the data gives \d+$/,
    );
  });

  it('refuses a lead whose base64 payload is shorter than LeadByteCountTotal', () => {
    const xml = Buffer.from(clinicalBytes(FILES[0]!)).toString('latin1');
    const bad = xml.replace(/<WaveFormData>\s*[A-Za-z0-9+/]{8}/, '<WaveFormData>');
    expect(() => readXmlEcg(Buffer.from(bad, 'latin1'), 'short.xml')).toThrow(
      /^short\.xml: Median lead I: base64 data holds 1194 bytes, the file declares 1200$/,
    );
  });
});
