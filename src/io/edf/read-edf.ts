import { readFileSync } from 'node:fs';
import { FewbeatError } from '../../errors.js';
import type { Ecg } from '../ecg.js';
import { parseEdfHeader, type EdfHeader } from './header.js';
import { parseTals, type EdfAnnotation } from './tal.js';

/** One ordinary (non-annotation) EDF signal, in physical units. */
export interface EdfSignal {
  label: string;
  units: string;
  /** Sampling rate in Hz: samples per record / record duration. */
  fs: number;
  /** physical = physMin + (digital − digMin) · (physMax − physMin) / (digMax − digMin) */
  physical: Float64Array;
}

export interface EdfRecording {
  file: string;
  header: EdfHeader;
  signals: EdfSignal[];
  /** EDF+ annotations from every annotation signal, in file order (time-keeping TALs omitted). */
  annotations: EdfAnnotation[];
}

/** Longest recording accepted (one week): a longer EDF+D span is a corrupt time stamp, not data. */
const MAX_SPAN_S = 7 * 24 * 3600;

function readFile(path: string): Uint8Array {
  try {
    return readFileSync(path);
  } catch (e) {
    throw new FewbeatError(`cannot read file (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, {
      file: path,
    });
  }
}

/**
 * Read a whole EDF, EDF+ or BDF/BDF+ file. EDF+D (discontinuous) records are placed at the start
 * time of their time-keeping TAL, and the gaps between them are NaN (invalid samples).
 */
export function readEdf(path: string): EdfRecording {
  const bytes = readFile(path);
  const header = parseEdfHeader(bytes, path);
  const w = header.sampleBytes;
  const signalOffset: number[] = [];
  let recordBytes = 0;
  for (const s of header.signals) {
    signalOffset.push(recordBytes);
    recordBytes += s.samplesPerRecord * w;
  }
  const recordBase = (r: number): number => header.headerBytes + r * recordBytes;

  const annotations: EdfAnnotation[] = [];
  const starts: number[] = [];
  const talSignals = header.signals.map((s, k) => ({ s, k })).filter(({ s }) => s.isAnnotation);
  if (header.discontinuous && talSignals.length === 0)
    throw new FewbeatError('EDF+D file without an annotation signal to time its records', {
      file: path,
      location: 'header byte 192',
    });
  for (let r = 0; r < header.records; r++) {
    talSignals.forEach(({ s, k }, j) => {
      const from = recordBase(r) + signalOffset[k]!;
      const tals = parseTals(bytes.subarray(from, from + s.samplesPerRecord * w), path, from);
      if (j === 0) starts.push(tals.recordStartS ?? r * header.recordDuration);
      annotations.push(...tals.annotations);
    });
  }
  /** Record r starts at starts[r] s (EDF+D) or r·duration (contiguous files). */
  const startOf = (r: number): number => (header.discontinuous ? starts[r]! - starts[0]! : r * header.recordDuration);
  if (header.discontinuous) {
    for (let r = 1; r < header.records; r++) {
      if (!(startOf(r) >= startOf(r - 1) + header.recordDuration - 1e-9)) {
        throw new FewbeatError(`EDF+D data record ${r + 1} starts at ${starts[r]} s, before the previous record ends`, {
          file: path,
          location: `byte ${recordBase(r)}`,
        });
      }
    }
  }
  const totalS = header.records === 0 ? 0 : startOf(header.records - 1) + header.recordDuration;
  if (totalS > MAX_SPAN_S)
    throw new FewbeatError(`recording spans ${totalS} s, more than ${MAX_SPAN_S} s`, { file: path });

  const signals: EdfSignal[] = [];
  header.signals.forEach((s, k) => {
    if (s.isAnnotation) return;
    const fs = s.samplesPerRecord / header.recordDuration;
    const at = Array.from({ length: header.records }, (_, r) => Math.round(startOf(r) * fs));
    const physical = new Float64Array(header.records === 0 ? 0 : at[header.records - 1]! + s.samplesPerRecord).fill(
      NaN,
    );
    const scale = (s.physicalMax - s.physicalMin) / (s.digitalMax - s.digitalMin);
    for (let r = 0; r < header.records; r++) {
      const from = recordBase(r) + signalOffset[k]!;
      for (let i = 0; i < s.samplesPerRecord; i++) {
        const p = from + i * w;
        const digital =
          w === 2
            ? bytes[p]! | ((bytes[p + 1]! << 24) >> 16)
            : bytes[p]! | (bytes[p + 1]! << 8) | ((bytes[p + 2]! << 24) >> 8);
        physical[at[r]! + i] = s.physicalMin + (digital - s.digitalMin) * scale;
      }
    }
    signals.push({ label: s.label, units: s.physicalDimension, fs, physical });
  });
  return { file: path, header, signals, annotations };
}

/**
 * An EDF recording as an `Ecg`. The Ecg has one sampling rate, so it takes the signals at the
 * highest rate in the file (the ECG leads, in practice) and leaves slower ones (respiration,
 * SpO2, ...) out; `ecgSignals` names what was kept.
 */
export function edfToEcg(rec: EdfRecording): Ecg {
  if (rec.signals.length === 0)
    throw new FewbeatError('EDF file has no ordinary signals (only annotations)', { file: rec.file });
  const fs = Math.max(...rec.signals.map((s) => s.fs));
  const kept = rec.signals.filter((s) => s.fs === fs);
  return {
    fs,
    leads: kept.map((s) => s.label),
    signals: kept.map((s) => s.physical),
    units: kept.map((s) => s.units),
    source: rec.file,
  };
}
