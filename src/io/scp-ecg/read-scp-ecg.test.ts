import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { medianHeartRate } from '../../signal/heart-rate.js';
import { detectQrsMultiLead } from '../../signal/qrs/detect-qrs-multi-lead.js';
import { clinicalBytes, clinicalPath } from '../../test-utils/clinical-formats.js';
import { buildScp, sectionBodies } from '../../test-utils/scp-ecg-builder.js';
import { readDicomEcg } from '../dicom/read-dicom-ecg.js';
import { crcCcitt } from './crc-ccitt.js';
import { readScpEcg } from './read-scp-ecg.js';

const EXAMPLE = 'scp-ecg/ecgtoolkit-Example.scp';
const WELCH_ALLYN = [
  'welchallyn-ECG_20060620_112352_ANON000002.SCP',
  'welchallyn-ECG_20070321_110542_ANON000004.SCP',
  'welchallyn-ECG_20081029_105642_ANON000010.SCP',
  'welchallyn-ECG_20170504_163507_ANON000009.SCP',
].map((f) => `scp-ecg/${f}`);
const MV_PER_UNIT = 0.0025; // the example's AVM: 2,500 nV
const units = (s: Float64Array): number[] => Array.from(s, (v) => Math.round(v / MV_PER_UNIT));
const lead = (ecg: { leads: string[]; signals: Float64Array[] }, name: string): Float64Array =>
  ecg.signals[ecg.leads.indexOf(name)]!;

describe('crcCcitt', () => {
  it('gives the CCITT-FALSE check value 0x29B1 for "123456789"', () => {
    expect(crcCcitt(new TextEncoder().encode('123456789'))).toBe(0x29b1);
  });
});

describe('readScpEcg on the ECGToolkit example', () => {
  const ecg = readScpEcg(clinicalBytes(EXAMPLE), EXAMPLE);

  it('reads 12 leads of 5,000 samples at 500 Hz in mV', () => {
    expect(ecg.fs).toBe(500);
    expect(ecg.leads).toEqual(['I', 'II', 'V1', 'V2', 'V3', 'V4', 'V5', 'V6', 'III', 'aVR', 'aVL', 'aVF']);
    expect(ecg.units.every((u) => u === 'mV')).toBe(true);
    expect(ecg.signals.every((s) => s.length === 5000)).toBe(true);
  });

  it('gives the first sample of each lead as the aECG rendering of the same recording (2.5 µV units)', () => {
    const order = ['I', 'II', 'III', 'aVR', 'aVL', 'aVF', 'V1', 'V2', 'V3', 'V4', 'V5', 'V6'];
    expect(order.map((l) => units(lead(ecg, l))[0])).toEqual([-2, -7, -5, 4, 1, -6, 43, 55, 40, 28, 23, -9]);
  });

  it('equals every digit of every lead of the HL7 aECG file of the same recording', (ctx) => {
    const xmlPath = clinicalPath('hl7-aecg/ecgtoolkit-Example.xml');
    if (xmlPath === null) return ctx.skip();
    const xml = readFileSync(xmlPath, 'utf8');
    // the first 12 series of the document are the rhythm leads (the representative beat follows)
    const series = [...xml.matchAll(/code="MDC_ECG_LEAD_(\w+)"[\s\S]*?<digits>([^<]*)<\/digits>/g)].slice(0, 12);
    expect(series).toHaveLength(12);
    for (const [, code, digits] of series) {
      const name = code!.replace(/^AV/, 'aV');
      expect(units(lead(ecg, name)), name).toEqual(digits!.trim().split(/\s+/).map(Number));
    }
  });

  it('gives the same samples in the same units as the DICOM file of the same recording', () => {
    const dicom = readDicomEcg(clinicalBytes('dicom/ecgtoolkit-Example.dcm'), 'ecgtoolkit-Example.dcm');
    expect(dicom.fs).toBe(ecg.fs);
    for (const name of ecg.leads) {
      const a = lead(ecg, name);
      const b = lead(dicom, name);
      const n = Math.min(a.length, b.length);
      expect(n).toBe(5000);
      for (let i = 0; i < n; i++) if (Math.abs(a[i]! - b[i]!) > 1e-12) expect([name, i, a[i], b[i]]).toBeNull();
    }
    const scpMedian = ecg.meta!.groups![0]!.ecg;
    const dcmMedian = dicom.meta!.groups![0]!.ecg;
    const n = Math.min(scpMedian.signals[0]!.length, dcmMedian.signals[0]!.length);
    expect(n).toBe(599);
    expect(units(lead(scpMedian, 'V2').subarray(0, n))).toEqual(units(lead(dcmMedian, 'V2').subarray(0, n)));
  });

  it('takes age from birth and acquisition dates, sex, device and global measurements', () => {
    expect(ecg.meta?.format).toBe('scp-ecg');
    expect(ecg.meta?.sex).toBe('M');
    // born 1953-05-08, recorded 2002-11-22: 49.5 years, as the aECG file's dates say
    expect(ecg.meta?.ageYears).toBeCloseTo(49.54, 2);
    expect(ecg.meta?.acquired).toBe('2002-11-22T09:10:00');
    expect(ecg.meta?.deviceMeasurements).toMatchObject({ PRInterval: 148, QRSDuration: 120, QTInterval: 420 });
  });
});

describe('readScpEcg on Welch Allyn exports', () => {
  for (const name of WELCH_ALLYN) {
    it(`reads ${name.slice(8)} as its header says and finds a plausible heart rate`, () => {
      const ecg = readScpEcg(clinicalBytes(name), name);
      expect(ecg.signals).toHaveLength(8);
      expect(ecg.fs).toBeCloseTo(1e6 / 1667, 9);
      expect(ecg.signals.every((s) => s.length === 6000)).toBe(true);
      // AVM 3,750 nV: every value is a whole number of 0.00375 mV
      for (const s of ecg.signals)
        for (let i = 0; i < s.length; i += 97)
          expect(Math.abs(s[i]! / 0.00375 - Math.round(s[i]! / 0.00375))).toBeLessThan(1e-9);
      const beats = detectQrsMultiLead(ecg.signals, ecg.fs);
      const hr = medianHeartRate(beats, ecg.fs);
      expect(hr).toBeGreaterThan(40);
      expect(hr).toBeLessThan(120);
      const deviceRate = ecg.meta!.deviceMeasurements!.VentricularRate as number;
      expect(Math.abs(hr - deviceRate)).toBeLessThan(5);
      expect(ecg.meta?.statements?.length).toBeGreaterThan(0);
    });
  }

  it('names the right-sided and posterior leads of the file that has them', () => {
    const ecg = readScpEcg(clinicalBytes(WELCH_ALLYN[0]!), WELCH_ALLYN[0]!);
    expect(ecg.leads).toEqual(['I', 'II', 'V3R', 'V1', 'V2', 'V4', 'V6', 'V7']);
    expect(ecg.meta?.ageYears).toBe(36);
    expect(ecg.meta?.device).toBe('Welch Allyn Cardio Control MDW14');
  });
});

describe('readScpEcg with other encodings of the same data', () => {
  const bytes = clinicalBytes(EXAMPLE);
  const reference = readScpEcg(bytes, EXAMPLE);

  it('decodes a custom Huffman table that spells out the default table code by code', () => {
    // EN 1064 Annex C default table: 0 -> "0"; ±k (k = 1..8) -> k ones, a zero, the sign; 9 ones + 0/1 -> 8/16 bits
    const codes: Array<[string, number, number]> = [['0', 0, 0]];
    for (let k = 1; k <= 8; k++) codes.push([`${'1'.repeat(k)}00`, k, 0], [`${'1'.repeat(k)}01`, -k, 0]);
    codes.push(['1111111110', 0, 8], ['1111111111', 0, 16]);
    const table = new Uint8Array(2 + 2 + 9 * codes.length);
    const dv = new DataView(table.buffer);
    dv.setUint16(0, 1, true);
    dv.setUint16(2, codes.length, true);
    codes.forEach(([bits, value, extra], i) => {
      const o = 4 + 9 * i;
      table[o] = bits.length;
      table[o + 1] = bits.length + extra;
      table[o + 2] = 1;
      dv.setInt16(o + 3, value, true);
      // stored least significant bit first: the code's first bit is bit 0
      dv.setUint32(
        o + 5,
        [...bits].reduce((acc, b, k) => acc + (b === '1' ? 2 ** k : 0), 0),
        true,
      );
    });
    const bodies = sectionBodies(bytes);
    bodies.set(2, table);
    const ecg = readScpEcg(buildScp(bodies), 'custom.scp');
    expect(ecg.signals.map(units)).toEqual(reference.signals.map(units));
  });

  it('adds the reference beat back where the rhythm data holds only the residual', () => {
    const rhythm = reference.signals.map(units);
    const median = reference.meta!.groups![0]!.ecg.signals.map(units);
    const medianFiducial = 300;
    const beats = [500, 1500, 2500, 3500, 4500].map((f) => ({ type: 0, start: f - 200, fiducial: f, end: f + 250 }));
    beats.push({ type: 1, start: 3800, fiducial: 4000, end: 4100 }); // another beat type: never subtracted
    const residual = rhythm.map((r, k) => {
      const out = r.slice();
      for (const b of beats.filter((q) => q.type === 0))
        for (let s = b.start; s <= b.end; s++) out[s - 1]! -= median[k]![s - b.fiducial + medianFiducial - 1]!;
      return out;
    });
    const bodies = sectionBodies(bytes);
    bodies.set(2, new Uint8Array(2)); // no Huffman coding: 16-bit values
    const s3 = bodies.get(3)!.slice();
    s3[1]! |= 1; // reference beat subtraction used
    bodies.set(3, s3);
    const s4 = new Uint8Array(6 + 22 * beats.length);
    const v4 = new DataView(s4.buffer);
    v4.setUint16(0, 1198, true);
    v4.setUint16(2, medianFiducial, true);
    v4.setUint16(4, beats.length, true);
    beats.forEach((b, i) => {
      v4.setUint16(6 + 14 * i, b.type, true);
      v4.setUint32(8 + 14 * i, b.start, true);
      v4.setUint32(12 + 14 * i, b.fiducial, true);
      v4.setUint32(16 + 14 * i, b.end, true);
      v4.setUint32(6 + 14 * beats.length + 8 * i, b.start, true);
      v4.setUint32(10 + 14 * beats.length + 8 * i, b.end, true);
    });
    bodies.set(4, s4);
    const raw = (leads: number[][], flag: number): Uint8Array => {
      const n = leads[0]!.length;
      const out = new Uint8Array(6 + 2 * leads.length + 2 * n * leads.length);
      const dv = new DataView(out.buffer);
      dv.setUint16(0, 2500, true);
      dv.setUint16(2, 2000, true);
      out[5] = flag;
      leads.forEach((x, k) => {
        dv.setUint16(6 + 2 * k, 2 * n, true);
        x.forEach((v, i) => dv.setInt16(6 + 2 * leads.length + 2 * (k * n + i), v, true));
      });
      return out;
    };
    bodies.set(5, raw(median, 0));
    bodies.set(6, raw(residual, 0));
    const ecg = readScpEcg(buildScp(bodies), 'subtracted.scp');
    expect(ecg.signals.map(units)).toEqual(rhythm);
    expect(residual[0]).not.toEqual(rhythm[0]);
  });

  it('expands bimodal compression: protected QRS areas exact, the rest close to the full-rate original', () => {
    const rhythm = reference.signals.map(units);
    const median = reference.meta!.groups![0]!.ecg.signals.map(units);
    const rate = 2;
    // protected areas aligned to the decimation blocks, as an encoder makes them: [k·rate + 1, m·rate]
    const areas = [500, 1500, 2500, 3500, 4500].map((f) => ({ start: f - 40 + 1, end: f + 60 }));
    const inArea = (s: number): boolean => areas.some((a) => a.start <= s && s <= a.end);
    // encode as a bimodal writer does: protected samples as such, else the mean of `rate` samples (truncated)
    const decimated = rhythm.map((x) => {
      const out: number[] = [];
      for (let t = 0; t < x.length;) {
        if (inArea(t + 1)) out.push(x[t++]!);
        else {
          out.push(Math.trunc(x.slice(t, t + rate).reduce((a, v) => a + v, 0) / rate));
          t += rate;
        }
      }
      return out;
    });
    const bodies = sectionBodies(bytes);
    bodies.set(2, new Uint8Array(2));
    const s4 = new Uint8Array(6 + 22 * areas.length);
    const v4 = new DataView(s4.buffer);
    v4.setUint16(0, 1198, true);
    v4.setUint16(4, areas.length, true);
    areas.forEach((a, i) => {
      v4.setUint16(6 + 14 * i, 1, true); // beat type 1: no reference-beat subtraction
      v4.setUint32(8 + 14 * i, a.start, true);
      v4.setUint32(12 + 14 * i, a.start + 40, true);
      v4.setUint32(16 + 14 * i, a.end, true);
      v4.setUint32(6 + 14 * areas.length + 8 * i, a.start, true);
      v4.setUint32(10 + 14 * areas.length + 8 * i, a.end, true);
    });
    bodies.set(4, s4);
    const raw = (leads: number[][], interval: number, flag: number): Uint8Array => {
      const out = new Uint8Array(6 + 2 * leads.length + 2 * leads.reduce((a, x) => a + x.length, 0));
      const dv = new DataView(out.buffer);
      dv.setUint16(0, 2500, true);
      dv.setUint16(2, interval, true);
      out[5] = flag;
      let p = 6 + 2 * leads.length;
      leads.forEach((x, k) => {
        dv.setUint16(6 + 2 * k, 2 * x.length, true);
        for (const v of x) {
          dv.setInt16(p, v, true);
          p += 2;
        }
      });
      return out;
    };
    bodies.set(5, raw(median, 2000, 0));
    bodies.set(6, raw(decimated, 2000 * rate, 1));
    const ecg = readScpEcg(buildScp(bodies), 'bimodal.scp');
    expect(ecg.fs).toBe(500);
    ecg.signals.forEach((s, k) => {
      expect(s.length).toBe(5000);
      const got = s.map((v) => v / MV_PER_UNIT);
      for (const a of areas) for (let t = a.start - 1; t < a.end; t++) expect(got[t]).toBeCloseTo(rhythm[k]![t]!, 9);
      // elsewhere: a 250 Hz rendering of the 500 Hz signal, within a few units of 2.5 µV on average
      let sq = 0;
      for (let t = 0; t < 5000; t++) sq += (got[t]! - rhythm[k]![t]!) ** 2;
      expect(Math.sqrt(sq / 5000)).toBeLessThan(4);
    });
  });
});
