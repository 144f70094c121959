import { inflateRawSync } from 'node:zlib';
import dicomParser, { type DataSet } from 'dicom-parser';
import { FewbeatError } from '../../errors.js';
import type { Ecg, EcgMetadata } from '../ecg.js';
import { scpLeadName } from '../scp-ecg/lead-codes.js';

/**
 * Read a DICOM waveform file of an ECG SOP class (PS3.3 A.34: 12-lead ECG 1.2.840.10008.5.1.4.1.1.9.1.1, general
 * ECG ….9.1.2, ambulatory ECG ….9.1.3) into an `Ecg` in mV.
 *
 * Parsing uses `dicom-parser` (cornerstonejs, MIT, no dependencies, ~100 kB, no `engines` restriction): it reads
 * explicit and implicit VR little endian (and big endian and deflate), nested sequences of defined and undefined
 * length, and exposes values as views of the file's bytes without copying, so a huge declared length cannot make it
 * allocate. dcmjs, the other maintained parser, requires Node ≥ 22.13 and pulls in seven dependencies.
 *
 * Per multiplex group of the Waveform Sequence (5400,0100) (PS3.3 C.10.9): Number of Waveform Channels (003A,0005)
 * and Samples (003A,0010), Sampling Frequency (003A,001A), Waveform Bits Allocated (5400,1004) and Sample
 * Interpretation (5400,1006: SB, UB, SS, US, SL, UL; the µ-law/A-law codes MB/AB are refused), Waveform Padding Value
 * (5400,100A -> NaN; a padding value of 0, which some writers such as ECGToolkit set, is ignored because 0 is an
 * ordinary sample value), and per channel (Channel Definition Sequence 003A,0200): the source's code (003A,0208; SCPECG
 * codes `5.6.3-9-n` map through the SCP-ECG lead table, else the code meaning without `Lead ` and a parenthesised
 * remark), Channel Sensitivity (003A,0210) with its units (003A,0211, UCUM `uV`/`mV`/`V`/`nV` converted to mV),
 * Sensitivity Correction Factor (003A,0212) and Baseline (003A,0213):
 *   physical = raw · sensitivity · correction + baseline   (PS3.3 C.10.9.1.4.3)
 * The first group labelled RHYTHM (else the first group) is the `Ecg`; the others go to `meta.groups`. Metadata:
 * Patient's Age (0010,1010, `nnnD/W/M/Y`), Sex (0010,0040), Acquisition DateTime (0008,002A), Manufacturer and model
 * (0008,0070, 0008,1090), and from the Waveform Annotation Sequence (0040,B020) the unformatted text statements
 * (0070,0006) and the numeric measurements (concept name 0040,A043 with value 0040,A30A).
 * Not read: annotations tied to sample positions (wave onsets), Channel Sample Skew, filter settings, the private
 * groups, and files over 32 MB (or inflating to more).
 */
export function readDicomEcg(bytes: Uint8Array, file: string): Ecg {
  if (bytes.length > MAX_DICOM_BYTES)
    throw new FewbeatError(
      `DICOM file of ${bytes.length} bytes is larger than the ${MAX_DICOM_BYTES} accepted (a resting ECG takes < 1 MB)`,
      { file },
    );
  try {
    return readParsed(parse(bytes, file), file);
  } catch (e) {
    // dicom-parser's accessors throw strings (or Errors naming dicomParser) on values past the end of the data
    const parserMessage =
      typeof e === 'string' ? e : e instanceof Error && /^dicomParser/.test(e.message) ? e.message : null;
    if (parserMessage === null) throw e;
    throw new FewbeatError(`corrupt DICOM data (${parserMessage.replace(/^dicomParser\.\w+: /, '')})`, { file });
  }
}

function readParsed(ds: DataSet, file: string): Ecg {
  const sopClass = text(ds, 'x00080016');
  if (sopClass !== undefined && !ECG_SOP_CLASSES.has(sopClass))
    throw new FewbeatError(`DICOM SOP class ${sopClass} is not an ECG waveform (12-lead, general or ambulatory ECG)`, {
      file,
      location: '(0008,0016)',
    });
  const sequence = ds.elements.x54000100?.items;
  if (!sequence || sequence.length === 0) throw new FewbeatError('no Waveform Sequence (5400,0100)', { file });
  const littleEndian = text(ds, 'x00020010') !== '1.2.840.10008.1.2.2';
  const groups = sequence.map((item, g) => {
    if (!item.dataSet)
      throw new FewbeatError('waveform item without data', { file, location: `(5400,0100) item ${g + 1}` });
    return readGroup(item.dataSet, littleEndian, file, `(5400,0100) item ${g + 1}`);
  });
  const main = Math.max(
    0,
    groups.findIndex((g) => g.label.toUpperCase() === 'RHYTHM'),
  );
  const meta: EcgMetadata = { format: 'dicom', ...readMeta(ds) };
  const others = groups.filter((_, i) => i !== main);
  if (others.length > 0) meta.groups = others.map((g) => ({ name: g.label.toLowerCase() || 'group', ecg: g.ecg }));
  return { ...groups[main]!.ecg, meta };
}

const ECG_SOP_CLASSES = new Set([
  '1.2.840.10008.5.1.4.1.1.9.1.1',
  '1.2.840.10008.5.1.4.1.1.9.1.2',
  '1.2.840.10008.5.1.4.1.1.9.1.3',
]);

/**
 * Largest DICOM file accepted: parsing time and memory grow with the number of elements, and a crafted file of
 * tiny elements takes about 0.5 s per MB; 32 MB holds hours of a few-channel ambulatory ECG.
 */
const MAX_DICOM_BYTES = 32 * 1024 * 1024;

/** Largest inflated size accepted for a deflated data set: far above any ECG, far below a decompression bomb. */
const MAX_INFLATED_BYTES = MAX_DICOM_BYTES;

const text = (ds: DataSet, tag: string): string | undefined => {
  const v = ds.string(tag);
  return v === undefined || v === '' ? undefined : v;
};

/** True when a data set starts at byte 0 without the 128-byte preamble (raw implicit VR little endian, group 8). */
function withoutPreamble(bytes: Uint8Array): boolean {
  return !(
    bytes.length > 132 &&
    bytes[128] === 0x44 &&
    bytes[129] === 0x49 &&
    bytes[130] === 0x43 &&
    bytes[131] === 0x4d
  );
}

function parse(bytes: Uint8Array, file: string): DataSet {
  try {
    return dicomParser.parseDicom(bytes, {
      ...(withoutPreamble(bytes) ? { TransferSyntaxUID: '1.2.840.10008.1.2' } : {}),
      inflater: (buffer: Uint8Array, position: number) => {
        const inflated = inflateRawSync(buffer.subarray(position), { maxOutputLength: MAX_INFLATED_BYTES });
        const out = new Uint8Array(position + inflated.length);
        out.set(buffer.subarray(0, position));
        out.set(inflated, position);
        return out;
      },
    } as dicomParser.ParseDicomOptions);
  } catch (e) {
    const reason = typeof e === 'string' ? e : e instanceof Error ? e.message : String(e);
    throw new FewbeatError(`not a readable DICOM file (${reason.replace(/^dicomParser\.\w+: /, '')})`, { file });
  }
}

interface Group {
  label: string;
  ecg: Ecg;
}

const TO_MV: Record<string, number> = { nV: 1e-6, uV: 1e-3, mV: 1, V: 1e3 };

function number(ds: DataSet, tag: string): number | undefined {
  const v = text(ds, tag);
  if (v === undefined) return undefined;
  const x = Number(v.trim());
  return Number.isFinite(x) ? x : Number.NaN;
}

function readGroup(g: DataSet, littleEndian: boolean, file: string, location: string): Group {
  const where = (tag: string): { file: string; location: string } => ({ file, location: `${location} ${tag}` });
  const nCh = g.uint16('x003a0005') ?? 0;
  const nS = g.uint32('x003a0010') ?? 0;
  const fs = number(g, 'x003a001a');
  const bits = g.uint16('x54001004') ?? 0;
  const interp = text(g, 'x54001006')?.trim() ?? '';
  const label = text(g, 'x003a0020')?.trim() ?? '';
  if (nCh === 0) throw new FewbeatError('no channels', where('(003A,0005)'));
  if (nS === 0) throw new FewbeatError('no samples', where('(003A,0010)'));
  if (fs === undefined || !(fs > 0) || fs > 1e6)
    throw new FewbeatError(`sampling frequency '${fs}' is invalid`, where('(003A,001A)'));
  const kinds: Record<string, [number, boolean]> = {
    SB: [8, true],
    UB: [8, false],
    SS: [16, true],
    US: [16, false],
    SL: [32, true],
    UL: [32, false],
  };
  const kind = kinds[interp];
  if (!kind)
    throw new FewbeatError(
      `sample interpretation '${interp}' is not supported (SB, UB, SS, US, SL, UL)`,
      where('(5400,1006)'),
    );
  if (bits !== kind[0])
    throw new FewbeatError(`${bits} bits allocated do not match interpretation ${interp}`, where('(5400,1004)'));
  const data = g.elements.x54001010;
  if (!data) throw new FewbeatError('no Waveform Data', where('(5400,1010)'));
  const width = bits / 8;
  const needed = nCh * nS * width;
  if (data.dataOffset + data.length > g.byteArray.length || data.length < needed)
    throw new FewbeatError(
      `Waveform Data holds ${data.length} bytes, ${nCh} channels × ${nS} samples need ${needed}`,
      where('(5400,1010)'),
    );
  const channels = g.elements.x003a0200?.items ?? [];
  if (channels.length !== nCh)
    throw new FewbeatError(`${channels.length} channel definitions for ${nCh} channels`, where('(003A,0200)'));
  const view = new DataView(g.byteArray.buffer, g.byteArray.byteOffset + data.dataOffset, needed);
  const read = [
    null,
    kind[1] ? (o: number) => view.getInt8(o) : (o: number) => view.getUint8(o),
    kind[1] ? (o: number) => view.getInt16(o, littleEndian) : (o: number) => view.getUint16(o, littleEndian),
    null,
    kind[1] ? (o: number) => view.getInt32(o, littleEndian) : (o: number) => view.getUint32(o, littleEndian),
  ][width]!;
  const padValue =
    g.elements.x5400100a && g.elements.x5400100a.length >= width ? readPadding(g, width, kind[1], littleEndian) : 0;
  const padding = padValue === 0 ? null : padValue;
  const leads: string[] = [];
  const units: string[] = [];
  const signals: Float64Array[] = [];
  channels.forEach((item, c) => {
    const ch = item.dataSet;
    const cw = (tag: string): { file: string; location: string } => where(`channel ${c + 1} ${tag}`);
    if (!ch) throw new FewbeatError('empty channel definition', cw('(003A,0200)'));
    leads.push(leadName(ch) ?? `channel ${c + 1}`);
    const sensitivity = number(ch, 'x003a0210') ?? 1;
    const correction = number(ch, 'x003a0212') ?? 1;
    const baseline = number(ch, 'x003a0213') ?? 0;
    for (const [v, tag] of [
      [sensitivity, '(003A,0210)'],
      [correction, '(003A,0212)'],
      [baseline, '(003A,0213)'],
    ] as const)
      if (!Number.isFinite(v)) throw new FewbeatError('not a number', cw(tag));
    const unit = ch.elements.x003a0211?.items?.[0]?.dataSet?.string('x00080100')?.trim();
    const toMv = unit === undefined ? 1 : TO_MV[unit];
    units.push(toMv === undefined ? unit! : 'mV');
    const gain = sensitivity * correction;
    const k = toMv ?? 1;
    const out = new Float64Array(nS);
    for (let i = 0, o = c * width; i < nS; i++, o += nCh * width) {
      const raw = read(o);
      out[i] = raw === padding ? Number.NaN : (raw * gain + baseline) * k;
    }
    signals.push(out);
  });
  return { label, ecg: { fs, leads, units, signals, source: file } };
}

function readPadding(g: DataSet, width: number, signed: boolean, littleEndian: boolean): number {
  const e = g.elements.x5400100a!;
  const v = new DataView(g.byteArray.buffer, g.byteArray.byteOffset + e.dataOffset, width);
  if (width === 1) return signed ? v.getInt8(0) : v.getUint8(0);
  if (width === 2) return signed ? v.getInt16(0, littleEndian) : v.getUint16(0, littleEndian);
  return signed ? v.getInt32(0, littleEndian) : v.getUint32(0, littleEndian);
}

/** The lead name of a channel: SCPECG code value `5.6.3-9-n` through the SCP-ECG table, else the code meaning. */
function leadName(ch: DataSet): string | undefined {
  const src = ch.elements.x003a0208?.items?.[0]?.dataSet;
  if (!src) return undefined;
  const value = src.string('x00080100')?.trim();
  const scheme = src.string('x00080102')?.trim();
  const m = value === undefined ? null : /^5\.6\.3-9-(\d+)$/.exec(value);
  if (m && (scheme === undefined || scheme.startsWith('SCPECG'))) {
    const name = scpLeadName(Number(m[1]));
    if (!name.startsWith('lead ')) return name;
  }
  const meaning = src.string('x00080104')?.trim();
  if (!meaning) return value;
  return meaning.replace(/^lead\s+/i, '').replace(/\s*\(.*\)\s*$/, '') || meaning;
}

const AGE_UNIT_YEARS: Record<string, number> = { D: 1 / 365.25, W: 7 / 365.25, M: 1 / 12, Y: 1 };

function readMeta(ds: DataSet): EcgMetadata {
  const meta: EcgMetadata = {};
  const age = /^(\d{3})([DWMY])$/.exec(text(ds, 'x00101010')?.trim() ?? '');
  if (age) meta.ageYears = Number(age[1]) * AGE_UNIT_YEARS[age[2]!]!;
  const sex = text(ds, 'x00100040')?.trim();
  if (sex === 'M' || sex === 'F') meta.sex = sex;
  const dt = /^(\d{4})(\d{2})(\d{2})(?:(\d{2})(\d{2})?(\d{2})?)?/.exec(text(ds, 'x0008002a') ?? '');
  if (dt) meta.acquired = `${dt[1]}-${dt[2]}-${dt[3]}${dt[4] ? `T${dt[4]}:${dt[5] ?? '00'}:${dt[6] ?? '00'}` : ''}`;
  const device = [text(ds, 'x00080070'), text(ds, 'x00081090')]
    .map((s) => s?.trim())
    .filter((s): s is string => !!s && s.toLowerCase() !== 'unknown');
  if (device.length > 0) meta.device = device.join(' ');
  const statements: string[] = [];
  const measurements: Record<string, number> = {};
  for (const item of ds.elements.x0040b020?.items ?? []) {
    const a = item.dataSet;
    if (!a) continue;
    const t = a.text('x00700006')?.trim();
    if (t) statements.push(t);
    const name = a.elements.x0040a043?.items?.[0]?.dataSet?.string('x00080104')?.trim();
    const value = number(a, 'x0040a30a');
    if (name && value !== undefined && Number.isFinite(value) && !a.elements.x0040a132 && !(name in measurements))
      measurements[name] = value;
  }
  if (statements.length > 0) meta.statements = statements;
  if (Object.keys(measurements).length > 0) meta.deviceMeasurements = measurements;
  return meta;
}
