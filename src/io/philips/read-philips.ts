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
  yearsBetween,
} from '../xml/fields.js';
import { attr, child, childNames, children, path, text, type XmlElement } from '../xml/parse-xml.js';
import { rebuildLimbLeads } from './limb-leads.js';
import { xliDecode } from './xli.js';

/** Elements whose content is a waveform payload (kept as raw text by the XML parser). */
export const PHILIPS_RAW_ELEMENTS = ['parsedwaveforms', 'waveform'] as const;

const VERSIONS = ['1.03', '1.04', '1.04.01', '1.04.02'];
const STANDARD_12 = ['I', 'II', 'III', 'aVR', 'aVL', 'aVF', 'V1', 'V2', 'V3', 'V4', 'V5', 'V6'];
/** Longest recording accepted, in samples per lead (10 minutes at 1 kHz); bounds allocation. */
const MAX_SAMPLES_PER_LEAD = 600_000;

/** The stored waveforms of a Philips file in the device's integer units. */
export interface PhilipsWaveforms {
  documentType: string;
  version: string;
  fs: number;
  /** Microvolts per unit. */
  resolutionUv: number;
  labels: string[];
  /** One array per label, after XLI decompression and the limb-lead rebuild. */
  samples: Int16Array[];
}

/**
 * Decode the rhythm waveforms of a Philips Sierra / PageWriter XML document (`restingecgdata`, SierraECG 1.03,
 * PhilipsECG 1.04, 1.04.01, 1.04.02) as the sierra-ecg-tools reference decoder does: `parsedwaveforms` is
 * base64, XLI-compressed (`xliDecode`) or uncompressed int16 LE lead after lead; labels come from its
 * `leadlabels` (first `numberofleads`), else from `numberchannelsallocated` and the `acquisitiontype`
 * (STD-12 / 10-WIRE: I, II, III, aVR, aVL, aVF, V1-V6; otherwise `Channel n`); when the first six are the limb
 * leads, III, aVR, aVL and aVF are rebuilt from their residuals (`rebuildLimbLeads`).
 */
export function decodePhilipsWaveforms(root: XmlElement, file: string): PhilipsWaveforms {
  const documentType = text(path(root, 'documentinfo', 'documenttype'));
  const version = text(path(root, 'documentinfo', 'documentversion'));
  if (!['SierraECG', 'PhilipsECG'].includes(documentType) || !VERSIONS.includes(version)) {
    throw new FewbeatError(
      `unsupported Philips document ${documentType || '(no documenttype)'} ${version || '(no documentversion)'}` +
        ` (supported: SierraECG/PhilipsECG ${VERSIONS.join(', ')})`,
      { file },
    );
  }
  const signal = path(root, 'dataacquisition', 'signalcharacteristics');
  if (signal === undefined) throw new FewbeatError('no dataacquisition/signalcharacteristics element', { file });
  const waves = path(root, 'waveforms', 'parsedwaveforms');
  if (waves === undefined) throw new FewbeatError('no waveforms/parsedwaveforms element', { file });
  const fs = parseInteger(text(child(signal, 'samplingrate')), 'samplingrate', file, 1, 100_000);
  const durationMs = parseNumber(attr(waves, 'durationperchannel'), 'parsedwaveforms durationperchannel', file);
  const declaredSamples = Math.round((durationMs * fs) / 1000);
  if (!(declaredSamples > 0 && declaredSamples <= MAX_SAMPLES_PER_LEAD)) {
    throw new FewbeatError(
      `durationperchannel ${durationMs} ms at ${fs} Hz is not 1 to ${MAX_SAMPLES_PER_LEAD} samples`,
      {
        file,
      },
    );
  }
  const labels = leadLabels(signal, waves, file);
  const encoding = attr(waves, 'dataencoding');
  if (encoding !== 'Base64') {
    throw new FewbeatError(`parsedwaveforms dataencoding "${encoding ?? ''}" is not supported (Base64 only)`, { file });
  }
  const compression = attr(waves, 'compressmethod') ?? attr(waves, 'compression') ?? 'Uncompressed';
  const location = 'parsedwaveforms';
  let samples: Int16Array[];
  if (compression === 'XLI') {
    const decoded = xliDecode(decodeBase64(text(waves), { file, location }), declaredSamples, file);
    if (decoded.length < labels.length) {
      throw new FewbeatError(`XLI data holds ${decoded.length} leads, the file names ${labels.length}`, {
        file,
        location,
      });
    }
    samples = decoded.slice(0, labels.length);
  } else if (compression === 'Uncompressed') {
    const bytes = decodeBase64(text(waves), { file, location });
    const need = labels.length * declaredSamples * 2;
    if (bytes.length < need) {
      throw new FewbeatError(`truncated: ${bytes.length} bytes of samples, ${labels.length} leads need ${need}`, {
        file,
        location,
      });
    }
    const all = int16LE(bytes.subarray(0, need));
    samples = labels.map((_, i) => all.slice(i * declaredSamples, (i + 1) * declaredSamples));
  } else {
    throw new FewbeatError(`parsedwaveforms compression "${compression}" is not supported (XLI, none)`, { file });
  }
  const n = samples[0]?.length ?? 0;
  const uneven = samples.findIndex((s) => s.length !== n);
  if (uneven >= 0) {
    throw new FewbeatError(`lead ${labels[uneven]} has ${samples[uneven]?.length} samples, lead ${labels[0]} ${n}`, {
      file,
      location,
    });
  }
  if (labels.slice(0, 6).join(' ') === STANDARD_12.slice(0, 6).join(' ')) rebuildLimbLeads(samples);
  const resolutionText =
    attr(waves, 'resolution') ?? text(child(signal, 'resolution') ?? child(signal, 'signalresolution'));
  const resolutionUv = parseNumber(resolutionText, 'signal resolution', file);
  if (!(resolutionUv > 0)) throw new FewbeatError(`signal resolution ${resolutionUv} uV is not positive`, { file });
  return { documentType, version, fs, resolutionUv, labels, samples };
}

function leadLabels(signal: XmlElement, waves: XmlElement, file: string): string[] {
  const listed = attr(waves, 'leadlabels');
  if (listed !== undefined && listed.trim() !== '') {
    const count = parseInteger(attr(waves, 'numberofleads'), 'parsedwaveforms numberofleads', file, 1, 64);
    const labels = listed.trim().split(/\s+/).slice(0, count);
    if (labels.length < count) {
      throw new FewbeatError(`leadlabels names ${labels.length} leads, numberofleads says ${count}`, { file });
    }
    return labels;
  }
  const count = parseInteger(text(child(signal, 'numberchannelsallocated')), 'numberchannelsallocated', file, 1, 64);
  const type = text(child(signal, 'acquisitiontype'));
  const standard = type === 'STD-12' || type === '10-WIRE';
  return Array.from({ length: count }, (_, i) => (standard && i < 12 ? STANDARD_12[i]! : `Channel ${i + 1}`));
}

/**
 * Read a Philips Sierra / PageWriter XML document as an `Ecg` in mV (samples × resolution / 1000), with the
 * patient's age and sex, the acquisition date and device, the interpretation statements, the global
 * measurements and the representative beats (`repbeats`, base64 int16 at their own rate and resolution) as a
 * `median beat` group.
 */
export function readPhilipsXml(root: XmlElement, file: string): Ecg {
  const w = decodePhilipsWaveforms(root, file);
  const meta: EcgMetadata = { format: 'philips', ...philipsMetadata(root, w, file) };
  return {
    fs: w.fs,
    leads: w.labels,
    signals: w.samples.map((s) => scaleSamples(s, w.resolutionUv, 1000)),
    units: w.labels.map(() => 'mV'),
    source: file,
    meta,
  };
}

function philipsMetadata(root: XmlElement, w: PhilipsWaveforms, file: string): EcgMetadata {
  const meta: EcgMetadata = {};
  const acquisition = child(root, 'dataacquisition');
  const date = attr(acquisition, 'date');
  const time = attr(acquisition, 'time');
  if (date) meta.acquired = time ? `${date}T${time}` : date;
  const machine = child(acquisition, 'machine');
  const device = [text(machine), attr(machine, 'detaildescription')].filter((s) => !!s).join(' ');
  meta.device = device ? `${device} (${w.documentType} ${w.version})` : `${w.documentType} ${w.version}`;
  const patient = path(root, 'patient', 'generalpatientdata');
  const age = child(patient, 'age');
  for (const unit of ['years', 'months', 'weeks', 'days', 'hours']) {
    const v = Number(text(child(age, unit)));
    const years = text(child(age, unit)) === '' ? undefined : ageInYears(v, unit);
    if (years !== undefined) {
      meta.ageYears = years;
      break;
    }
  }
  const birth = text(child(age, 'dateofbirth'));
  if (meta.ageYears === undefined && birth && date) {
    const years = yearsBetween(birth, date);
    if (years !== undefined) meta.ageYears = years;
  }
  const sex = text(child(patient, 'sex')).toLowerCase();
  if (sex === 'male') meta.sex = 'M';
  else if (sex === 'female') meta.sex = 'F';
  const interpretation = path(root, 'interpretations', 'interpretation');
  const statements = children(interpretation, 'statement')
    .map((s) => [text(child(s, 'leftstatement')), text(child(s, 'rightstatement'))].filter((t) => !!t).join('; '))
    .filter((s) => !!s);
  if (statements.length > 0) meta.statements = statements;
  const global = path(root, 'measurements', 'globalmeasurements') ?? child(interpretation, 'globalmeasurements');
  if (global !== undefined) {
    const m: Record<string, number | string> = {};
    for (const name of childNames(global)) {
      const t = text(child(global, name));
      if (t !== '') m[name] = numberOrText(t);
    }
    if (Object.keys(m).length > 0) meta.deviceMeasurements = m;
  }
  const beats = readRepbeats(root, file);
  if (beats !== undefined) meta.groups = [{ name: 'median beat', ecg: beats }];
  return meta;
}

/** The int16 value Philips writes after the end of a representative beat. */
const REPBEAT_FILL = 32767;

/** Representative beats: `repbeats` with `samplespersec`, `resolution` (uV) and one `repbeat` per lead. */
function readRepbeats(root: XmlElement, file: string): Ecg | undefined {
  const reps = child(root, 'repbeats') ?? path(root, 'waveforms', 'repbeats');
  const items = children(reps, 'repbeat');
  if (reps === undefined || items.length === 0) return undefined;
  if (attr(reps, 'dataencoding') !== 'Base64') {
    throw new FewbeatError(`repbeats dataencoding "${attr(reps, 'dataencoding') ?? ''}" is not supported`, { file });
  }
  const fs = parseNumber(attr(reps, 'samplespersec'), 'repbeats samplespersec', file);
  const resolution = parseNumber(attr(reps, 'resolution'), 'repbeats resolution', file);
  if (!(fs > 0) || !(resolution > 0)) {
    throw new FewbeatError(`repbeats samplespersec ${fs} or resolution ${resolution} is not positive`, { file });
  }
  const leads = items.map((r, i) => attr(r, 'leadname') ?? `Channel ${i + 1}`);
  const raw = items.map((r, i) =>
    int16LE(decodeBase64(text(child(r, 'waveform') ?? r), { file, location: `repbeat ${leads[i]}` })),
  );
  // 32767 (the int16 maximum) fills the unused tail of a beat: invalid samples (NaN), and trailing rows where
  // every lead is filler are dropped.
  let n = 0;
  for (const s of raw) {
    let end = s.length;
    while (end > 0 && s[end - 1] === REPBEAT_FILL) end--;
    n = Math.max(n, end);
  }
  const signals = raw.map((s) => {
    const out = new Float64Array(n).fill(NaN);
    out.set(scaleSamples(s.subarray(0, n), resolution, 1000));
    for (let i = 0; i < Math.min(n, s.length); i++) if (s[i] === REPBEAT_FILL) out[i] = NaN;
    return out;
  });
  return { fs, leads, signals, units: leads.map(() => 'mV'), source: `${file} (median beat)` };
}
