import { FewbeatError } from '../../errors.js';

/**
 * EDF / EDF+ / BDF header (Kemp et al., "A simple format for exchange of digitized polygraphic
 * recordings", Electroencephalogr Clin Neurophysiol 82:391, 1992; EDF+: Kemp & Olivan, Clin
 * Neurophysiol 114:1755, 2003; BDF: BioSemi's 24-bit variant). All fields are ASCII, space padded:
 *
 *   fixed part, 256 bytes: version 8 | patient 80 | recording 80 | start date dd.mm.yy 8 |
 *     start time hh.mm.ss 8 | header bytes 8 | reserved 44 (`EDF+C`/`EDF+D`) | data records 8 |
 *     record duration (s) 8 | signal count ns 4
 *   then ns × each of: label 16 | transducer 80 | physical dimension 8 | physical min 8 |
 *     physical max 8 | digital min 8 | digital max 8 | prefiltering 80 | samples per record 8 | reserved 32
 *
 * Data records follow: per record, each signal's `samplesPerRecord` samples in turn, little-endian
 * two's complement, 16-bit (EDF) or 24-bit (BDF).
 */
export interface EdfSignalHeader {
  label: string;
  transducer: string;
  physicalDimension: string;
  physicalMin: number;
  physicalMax: number;
  digitalMin: number;
  digitalMax: number;
  prefiltering: string;
  samplesPerRecord: number;
  /** True for the EDF+ / BDF+ annotation signal (`EDF Annotations`). */
  isAnnotation: boolean;
}

export interface EdfHeader {
  variant: 'EDF' | 'EDF+' | 'BDF' | 'BDF+';
  /** EDF+D: records are not contiguous in time. */
  discontinuous: boolean;
  patient: string;
  recording: string;
  /** Start as written, `dd.mm.yy hh.mm.ss` (years 85–99 are 1985–1999, else 20yy). */
  startDate: string;
  startTime: string;
  headerBytes: number;
  /** Data records in the file (from the header, or from the file size when the header says -1). */
  records: number;
  /** Duration of one data record in seconds. */
  recordDuration: number;
  /** Bytes per sample: 2 (EDF) or 3 (BDF). */
  sampleBytes: 2 | 3;
  signals: EdfSignalHeader[];
}

const FIXED_BYTES = 256;
/** Widths of the per-signal fields, in file order. */
const SIGNAL_FIELDS = [
  ['label', 16],
  ['transducer', 80],
  ['physicalDimension', 8],
  ['physicalMin', 8],
  ['physicalMax', 8],
  ['digitalMin', 8],
  ['digitalMax', 8],
  ['prefiltering', 80],
  ['samplesPerRecord', 8],
  ['reserved', 32],
] as const;

function ascii(bytes: Uint8Array, from: number, width: number): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset + from, width)
    .toString('latin1')
    .trim();
}

/** Parse the header of an EDF/EDF+/BDF file whose whole content is `bytes`; checks sizes against the file length. */
export function parseEdfHeader(bytes: Uint8Array, file: string): EdfHeader {
  const fail = (offset: number, reason: string): never => {
    throw new FewbeatError(reason, { file, location: `header byte ${offset}` });
  };
  const number = (offset: number, width: number, what: string, opts: { integer?: boolean } = {}): number => {
    const text = ascii(bytes, offset, width);
    const v = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text) ? Number(text) : NaN;
    if (!Number.isFinite(v) || (opts.integer && !Number.isInteger(v)))
      fail(offset, `${what}: expected ${opts.integer ? 'an integer' : 'a number'}, got '${text}'`);
    return v;
  };
  if (bytes.length < FIXED_BYTES)
    fail(0, `file too short for an EDF header (${bytes.length} bytes, need ${FIXED_BYTES})`);

  const isBdf = bytes[0] === 0xff && ascii(bytes, 1, 7) === 'BIOSEMI';
  if (!isBdf && ascii(bytes, 0, 8) !== '0')
    fail(0, `not an EDF or BDF file (version field '${ascii(bytes, 0, 8)}', expected '0' or 0xFF BIOSEMI)`);
  const reserved = ascii(bytes, 192, 44);
  const plus = /^(EDF|BDF)\+[CD]/.test(reserved);
  const headerBytes = number(184, 8, 'header size', { integer: true });
  const declaredRecords = number(236, 8, 'number of data records', { integer: true });
  const recordDuration = number(244, 8, 'data record duration');
  const ns = number(252, 4, 'number of signals', { integer: true });
  if (ns < 1) fail(252, `number of signals ${ns}, expected at least 1`);
  if (headerBytes !== FIXED_BYTES * (ns + 1))
    fail(184, `header size ${headerBytes} bytes disagrees with ${ns} signals (expected ${FIXED_BYTES * (ns + 1)})`);
  if (bytes.length < headerBytes)
    fail(FIXED_BYTES, `file ends inside the header (${bytes.length} of ${headerBytes} bytes)`);
  if (!(recordDuration >= 0)) fail(244, `negative data record duration ${recordDuration}`);

  const signals: EdfSignalHeader[] = [];
  for (let s = 0; s < ns; s++) {
    const field = (k: number): number => {
      let offset = FIXED_BYTES;
      for (let j = 0; j < k; j++) offset += SIGNAL_FIELDS[j]![1] * ns;
      return offset + SIGNAL_FIELDS[k]![1] * s;
    };
    const text = (k: number): string => ascii(bytes, field(k), SIGNAL_FIELDS[k]![1]);
    const num = (k: number, integer = false): number =>
      number(field(k), SIGNAL_FIELDS[k]![1], `signal ${s + 1} ${SIGNAL_FIELDS[k]![0]}`, { integer });
    const label = text(0);
    const sig: EdfSignalHeader = {
      label,
      transducer: text(1),
      physicalDimension: text(2),
      physicalMin: num(3),
      physicalMax: num(4),
      digitalMin: num(5, true),
      digitalMax: num(6, true),
      prefiltering: text(7),
      samplesPerRecord: num(8, true),
      isAnnotation: plus && (label === 'EDF Annotations' || label === 'BDF Annotations'),
    };
    if (sig.samplesPerRecord < 1)
      fail(field(8), `signal ${s + 1} (${label}): ${sig.samplesPerRecord} samples per record, expected at least 1`);
    if (!(sig.digitalMax > sig.digitalMin))
      fail(field(5), `signal ${s + 1} (${label}): digital range [${sig.digitalMin}, ${sig.digitalMax}] is empty`);
    const limit = isBdf ? 2 ** 23 : 2 ** 15; // samples are 16-bit (EDF) or 24-bit (BDF) two's complement
    if (sig.digitalMin < -limit || sig.digitalMax > limit - 1)
      fail(
        field(5),
        `signal ${s + 1} (${label}): digital range [${sig.digitalMin}, ` +
          `${sig.digitalMax}] exceeds the ${isBdf ? 24 : 16}-bit samples ` +
          `[${-limit}, ${limit - 1}]`,
      );
    if (sig.physicalMax === sig.physicalMin)
      fail(field(3), `signal ${s + 1} (${label}): physical minimum equals maximum (${sig.physicalMin})`);
    signals.push(sig);
  }
  if (recordDuration === 0 && signals.some((s) => !s.isAnnotation))
    fail(244, 'data record duration 0 with ordinary signals');

  const sampleBytes = isBdf ? 3 : 2;
  const recordBytes = signals.reduce((n, s) => n + s.samplesPerRecord, 0) * sampleBytes;
  const dataBytes = bytes.length - headerBytes;
  let records = declaredRecords;
  if (declaredRecords === -1) {
    if (dataBytes % recordBytes !== 0)
      fail(
        236,
        `record count unknown (-1) and the data (${dataBytes} bytes) is not ` +
          `a whole number of ${recordBytes}-byte records`,
      );
    records = dataBytes / recordBytes;
  } else if (declaredRecords < 0) fail(236, `number of data records ${declaredRecords}`);
  else if (dataBytes !== records * recordBytes) {
    const full = Math.floor(dataBytes / recordBytes);
    fail(
      236,
      dataBytes < records * recordBytes
        ? `truncated: header declares ${records} data records of ` +
            `${recordBytes} bytes, the file holds ${full} complete (${dataBytes} data bytes)`
        : `file has ${dataBytes - records * recordBytes} bytes after the ${records} declared data records`,
    );
  }
  return {
    variant: `${isBdf ? 'BDF' : 'EDF'}${plus ? '+' : ''}` as EdfHeader['variant'],
    discontinuous: /^(EDF|BDF)\+D/.test(reserved),
    patient: ascii(bytes, 8, 80),
    recording: ascii(bytes, 88, 80),
    startDate: ascii(bytes, 168, 8),
    startTime: ascii(bytes, 176, 8),
    headerBytes,
    records,
    recordDuration,
    sampleBytes,
    signals,
  };
}
