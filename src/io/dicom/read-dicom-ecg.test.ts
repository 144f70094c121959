import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { clinicalBytes, FIXTURE_CLINICAL } from '../../test-utils/clinical-formats.js';
import { readDicomEcg } from './read-dicom-ecg.js';

interface ExpectedGroup {
  fs: number;
  samples: number;
  channels: number;
  labels: string[];
  units: string[];
  first10_scaled: number[][];
  sum_scaled: number[];
}
/** pydicom's `waveform_array` of each sample file (independent reference values, see SOURCES.md). */
const expected = JSON.parse(readFileSync(join(FIXTURE_CLINICAL, 'expected-dicom.json'), 'utf8')) as Record<
  string,
  { groups: ExpectedGroup[] }
>;

const UV_PER_MV = 1000;
const close = (got: number, want: number): boolean => Math.abs(got - want) <= 1e-9 * Math.max(1, Math.abs(want));
const leadOf = (label: string): string => label.replace(/^Lead /, '').replace(/ \(.*\)$/, '');

describe('readDicomEcg', () => {
  for (const name of ['dicom/waveform_ecg.dcm', 'dicom/ecgtoolkit-Example.dcm']) {
    it(`matches pydicom's scaled samples of every group of ${name}`, () => {
      const ecg = readDicomEcg(clinicalBytes(name), name);
      const groups = [ecg, ...(ecg.meta?.groups ?? []).map((g) => g.ecg)];
      const want = expected[name]!.groups;
      expect(groups).toHaveLength(want.length);
      want.forEach((w, g) => {
        const got = groups[g]!;
        expect(got.fs).toBe(w.fs);
        expect(got.signals).toHaveLength(w.channels);
        expect(got.leads).toEqual(w.labels.map(leadOf));
        expect(w.units.every((u) => u === 'uV')).toBe(true);
        expect(got.units.every((u) => u === 'mV')).toBe(true);
        got.signals.forEach((s, c) => {
          expect(s.length).toBe(w.samples);
          const first = Array.from(s.subarray(0, 10), (v) => v * UV_PER_MV);
          first.forEach((v, i) =>
            expect(close(v, w.first10_scaled[c]![i]!), `group ${g} ch ${c} sample ${i}`).toBe(true),
          );
          const sum = s.reduce((a, v) => a + v * UV_PER_MV, 0);
          expect(close(sum, w.sum_scaled[c]!), `group ${g} ch ${c} sum ${sum} vs ${w.sum_scaled[c]}`).toBe(true);
        });
      });
    });
  }

  it('names the groups and reads age, sex, device, statements and measurements of the Mortara file', () => {
    const ecg = readDicomEcg(clinicalBytes('dicom/waveform_ecg.dcm'), 'waveform_ecg.dcm');
    expect(ecg.meta?.format).toBe('dicom');
    expect(ecg.meta?.groups?.map((g) => g.name)).toEqual(['median beat']);
    expect(ecg.meta?.ageYears).toBe(42);
    expect(ecg.meta?.sex).toBe('F');
    expect(ecg.meta?.device).toBe('Mortara Instrument, Inc. el250');
    expect(ecg.meta?.acquired).toBe('2013-01-25T10:59:19');
    expect(ecg.meta?.statements).toEqual(['RITMO SINUSALE', 'ECG NORMALE']);
    expect(ecg.meta?.deviceMeasurements).toMatchObject({ 'RR Interval': 982, 'PR Interval': 161, 'QRS Duration': 75 });
  });

  it('reads an implicit-VR file (ECGToolkit) with its sex and no age', () => {
    const ecg = readDicomEcg(clinicalBytes('dicom/ecgtoolkit-Example.dcm'), 'ecgtoolkit-Example.dcm');
    expect(ecg.meta?.sex).toBe('M');
    expect(ecg.meta?.ageYears).toBeUndefined();
    expect(ecg.meta?.device).toBe('ELI250');
  });

  it('reads the general ECG SOP class and refuses a waveform that is not an ECG', () => {
    const withSopClass = (uid: string): Uint8Array => {
      const bytes = clinicalBytes('dicom/waveform_ecg.dcm').slice();
      const from = new TextEncoder().encode('1.2.840.10008.5.1.4.1.1.9.1.1');
      const to = new TextEncoder().encode(uid);
      for (let i = 0; i + from.length <= bytes.length; i++)
        if (from.every((b, k) => bytes[i + k] === b)) bytes.set(to, i);
      return bytes;
    };
    expect(readDicomEcg(withSopClass('1.2.840.10008.5.1.4.1.1.9.1.2'), 'general.dcm').signals).toHaveLength(12);
    // hemodynamic waveform (PS3.4 B.5): same layout, not an ECG
    expect(() => readDicomEcg(withSopClass('1.2.840.10008.5.1.4.1.1.9.2.1'), 'hemo.dcm')).toThrow(
      /^hemo\.dcm: \(0008,0016\): DICOM SOP class 1\.2\.840\.10008\.5\.1\.4\.1\.1\.9\.2\.1 is not an ECG waveform/,
    );
  });
});
