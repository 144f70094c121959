import { crc32 } from 'node:zlib';
import { FewbeatError } from '../../errors.js';
import type { Ecg, EcgMetadata } from '../ecg.js';
import {
  ageInYears,
  decodeBase64,
  int16LE,
  numberOrText,
  parseInteger,
  parseNumber,
  scaleSamples,
} from '../xml/fields.js';
import { child, childNames, children, path, text, type XmlElement } from '../xml/parse-xml.js';

/** Elements whose content is a waveform payload (kept as raw text by the XML parser). */
export const MUSE_RAW_ELEMENTS = ['WaveFormData'] as const;

/** Longest waveform accepted, in samples per lead (10 minutes at 1 kHz); bounds allocation. */
const MAX_SAMPLES_PER_LEAD = 600_000;
const LIMB_AND_CHEST = ['I', 'II', 'III', 'aVR', 'aVL', 'aVF', 'V1', 'V2', 'V3', 'V4', 'V5', 'V6'];

/** One MUSE `Waveform` decoded: its type (`Rhythm`, `Median`), rate, and leads in mV. */
export interface MuseWaveform {
  type: string;
  fs: number;
  leads: string[];
  signals: Float64Array[];
}

/**
 * Decode one GE MUSE `Waveform` element. Each `LeadData` holds `LeadSampleCountTotal` samples of
 * `LeadSampleSize` = 2 bytes as base64 little-endian int16 (`WaveFormData`, whose decoded length must be
 * `LeadByteCountTotal`), `LeadAmplitudeUnitsPerBit` in `LeadAmplitudeUnits` (MICROVOLTS or MILLIVOLTS), and
 * `LeadDataCRC32`, the CRC-32 (ISO-HDLC, as zlib) of the decoded bytes, which must match. The rate is
 * `SampleBase` · 10^`SampleExponent` Hz.
 *
 * MUSE stores 8 independent leads (I, II, V1-V6); the other limb leads follow from Einthoven's and Goldberger's
 * definitions and are added when absent: III = II − I, aVR = −(I + II)/2, aVL = I − II/2, aVF = II − I/2.
 */
export function decodeMuseWaveform(wave: XmlElement, file: string): MuseWaveform {
  const type = text(child(wave, 'WaveformType')) || 'Rhythm';
  const base = parseNumber(text(child(wave, 'SampleBase')), `${type} SampleBase`, file);
  const exponentText = text(child(wave, 'SampleExponent'));
  const exponent = exponentText === '' ? 0 : parseInteger(exponentText, `${type} SampleExponent`, file, -6, 6);
  const fs = base * 10 ** exponent;
  if (!(fs > 0 && fs <= 100_000)) throw new FewbeatError(`${type} sampling rate ${fs} Hz is out of range`, { file });
  const leads: string[] = [];
  /** Raw int16 values until the end, then physical. */
  const signals: Float64Array[] = [];
  const scales: Array<{ perBit: number; perMv: number }> = [];
  for (const lead of children(wave, 'LeadData')) {
    const id = text(child(lead, 'LeadID')) || `Channel ${leads.length + 1}`;
    const location = `${type} lead ${id}`;
    const field = (name: string): string => text(child(lead, name));
    const sampleSize = field('LeadSampleSize') === '' ? 2 : Number(field('LeadSampleSize'));
    if (sampleSize !== 2) {
      throw new FewbeatError(`LeadSampleSize ${field('LeadSampleSize')} is not supported (2 bytes only)`, {
        file,
        location,
      });
    }
    const count = parseInteger(
      field('LeadSampleCountTotal'),
      `${location} LeadSampleCountTotal`,
      file,
      1,
      MAX_SAMPLES_PER_LEAD,
    );
    const byteCount = field('LeadByteCountTotal') === '' ? 2 * count : Number(field('LeadByteCountTotal'));
    if (byteCount !== 2 * count) {
      throw new FewbeatError(`LeadByteCountTotal ${byteCount} is not 2 × LeadSampleCountTotal ${count}`, {
        file,
        location,
      });
    }
    const bytes = decodeBase64(field('WaveFormData'), { file, location }, byteCount);
    const crcText = field('LeadDataCRC32');
    if (crcText !== '') {
      const declared = parseNumber(crcText, `${location} LeadDataCRC32`, file);
      const actual = crc32(bytes);
      if (declared !== actual) {
        throw new FewbeatError(`LeadDataCRC32 mismatch: the file says ${declared}, the data gives ${actual}`, {
          file,
          location,
        });
      }
    }
    const perBit = parseNumber(field('LeadAmplitudeUnitsPerBit'), `${location} LeadAmplitudeUnitsPerBit`, file);
    const units = field('LeadAmplitudeUnits').toUpperCase();
    // mV = (raw · units per bit) / (units per mV): one product and one division, as the aECG writer assumes.
    const perMv = units === 'MICROVOLTS' || units === '' ? 1000 : units === 'MILLIVOLTS' ? 1 : NaN;
    if (!(perBit > 0 && perMv > 0)) {
      throw new FewbeatError(`LeadAmplitudeUnits "${units}" with ${perBit} per bit is not supported`, {
        file,
        location,
      });
    }
    leads.push(id);
    signals.push(scaleSamples(int16LE(bytes), 1, 1));
    scales.push({ perBit, perMv });
  }
  if (signals.length === 0) throw new FewbeatError(`${type} waveform has no LeadData`, { file });
  const n = signals[0]!.length;
  const uneven = signals.findIndex((s) => s.length !== n);
  if (uneven >= 0) {
    throw new FewbeatError(
      `${type} lead ${leads[uneven]} has ${signals[uneven]!.length} samples, lead ${leads[0]} ${n}`,
      {
        file,
      },
    );
  }
  return { type, fs, ...withDerivedLimbLeads(leads, signals, scales) };
}

/**
 * Scale raw values to mV and add III, aVR, aVL, aVF from I and II when the file lacks them; standard order
 * first, other leads after. When I and II share one scale the derived leads are computed on the raw values and
 * scaled like stored leads (so every lead is (raw · units per bit) / units per mV), else from the mV values.
 */
function withDerivedLimbLeads(
  leads: string[],
  raw: Float64Array[],
  scales: Array<{ perBit: number; perMv: number }>,
): { leads: string[]; signals: Float64Array[] } {
  const toMv = (x: Float64Array, k: { perBit: number; perMv: number }): Float64Array =>
    scaleSamples(x, k.perBit, k.perMv);
  const byName = new Map(leads.map((l, i) => [l, toMv(raw[i]!, scales[i]!)]));
  const iI = leads.indexOf('I');
  const iII = leads.indexOf('II');
  if (iI >= 0 && iII >= 0) {
    const shared = scales[iI]!.perBit === scales[iII]!.perBit && scales[iI]!.perMv === scales[iII]!.perMv;
    const a = shared ? raw[iI]! : byName.get('I')!;
    const b = shared ? raw[iII]! : byName.get('II')!;
    const derive = (f: (x: number, y: number) => number): Float64Array => {
      const d = new Float64Array(a.length);
      for (let k = 0; k < a.length; k++) d[k] = f(a[k]!, b[k]!);
      return shared ? toMv(d, scales[iI]!) : d;
    };
    const formulas: Array<[string, (x: number, y: number) => number]> = [
      ['III', (x, y) => y - x],
      ['aVR', (x, y) => -(x + y) / 2],
      ['aVL', (x, y) => x - y / 2],
      ['aVF', (x, y) => y - x / 2],
    ];
    for (const [name, f] of formulas) if (!byName.has(name)) byName.set(name, derive(f));
  }
  const order = [...LIMB_AND_CHEST.filter((l) => byName.has(l)), ...leads.filter((l) => !LIMB_AND_CHEST.includes(l))];
  return { leads: order, signals: order.map((l) => byName.get(l)!) };
}

/**
 * Read a GE MUSE XML export (`RestingECG`) as an `Ecg` in mV: the `Rhythm` waveform (12 leads after the limb
 * leads are derived), the `Median` waveform as a `median beat` group, and as metadata the patient's age
 * (`PatientAge` in `AgeUnits`) and sex (`Gender`), acquisition date, time and device, the diagnosis statements
 * (`Diagnosis`, else `OriginalDiagnosis`, `StmtText` per statement) and `RestingECGMeasurements`.
 */
export function readMuseXml(root: XmlElement, file: string): Ecg {
  const waves = children(root, 'Waveform').map((w) => decodeMuseWaveform(w, file));
  const rhythm =
    waves.find((w) => w.type.toLowerCase() === 'rhythm') ?? waves.find((w) => w.type.toLowerCase() !== 'median');
  if (rhythm === undefined) throw new FewbeatError('no Rhythm Waveform element', { file });
  const meta: EcgMetadata = { format: 'ge-muse', ...museMetadata(root) };
  const median = waves.find((w) => w.type.toLowerCase() === 'median');
  if (median !== undefined) {
    meta.groups = [
      {
        name: 'median beat',
        ecg: {
          fs: median.fs,
          leads: median.leads,
          signals: median.signals,
          units: median.leads.map(() => 'mV'),
          source: `${file} (median beat)`,
        },
      },
    ];
  }
  return {
    fs: rhythm.fs,
    leads: rhythm.leads,
    signals: rhythm.signals,
    units: rhythm.leads.map(() => 'mV'),
    source: file,
    meta,
  };
}

function museMetadata(root: XmlElement): EcgMetadata {
  const meta: EcgMetadata = {};
  const patient = child(root, 'PatientDemographics');
  const ageText = text(child(patient, 'PatientAge'));
  if (ageText !== '') {
    const years = ageInYears(Number(ageText), text(child(patient, 'AgeUnits')) || 'YEARS');
    if (years !== undefined) meta.ageYears = years;
  }
  const gender = text(child(patient, 'Gender')).toUpperCase();
  if (gender === 'MALE') meta.sex = 'M';
  else if (gender === 'FEMALE') meta.sex = 'F';
  const test = child(root, 'TestDemographics');
  const date = /^(\d\d)-(\d\d)-(\d{4})$/.exec(text(child(test, 'AcquisitionDate')));
  if (date !== null) {
    const time = text(child(test, 'AcquisitionTime'));
    meta.acquired = `${date[3]}-${date[1]}-${date[2]}${time ? `T${time}` : ''}`;
  }
  const device = [text(child(test, 'AcquisitionDevice')), text(path(root, 'MuseInfo', 'MuseVersion'))];
  meta.device = device[0] ? device[0] : device[1] ? `MUSE ${device[1]}` : 'GE MUSE';
  const diagnosis = child(root, 'Diagnosis') ?? child(root, 'OriginalDiagnosis');
  const statements = children(diagnosis, 'DiagnosisStatement')
    .map((s) => text(child(s, 'StmtText')))
    .filter((s) => s !== '');
  if (statements.length > 0) meta.statements = statements;
  const measurements = child(root, 'RestingECGMeasurements');
  if (measurements !== undefined) {
    const m: Record<string, number | string> = {};
    for (const name of childNames(measurements)) {
      const t = text(child(measurements, name));
      if (t !== '') m[name] = numberOrText(t);
    }
    if (Object.keys(m).length > 0) meta.deviceMeasurements = m;
  }
  return meta;
}
