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

function readFile(path: string): Uint8Array {
  try {
    return readFileSync(path);
  } catch (e) {
    throw new FewbeatError(`cannot read file (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, { file: path });
  }
}

/** Read a whole EDF, EDF+ (continuous) or BDF/BDF+ file. */
export function readEdf(path: string): EdfRecording {
  const bytes = readFile(path);
  const header = parseEdfHeader(bytes, path);
  if (header.discontinuous) throw new FewbeatError('EDF+D (discontinuous) recordings are not supported; convert to EDF+C', { file: path, location: 'header byte 192' });
  const w = header.sampleBytes;
  const ordinary = header.signals.map((s, k) => ({ s, k })).filter(({ s }) => !s.isAnnotation);
  const out = ordinary.map(({ s }) => new Float64Array(header.records * s.samplesPerRecord));
  const scale = ordinary.map(({ s }) => (s.physicalMax - s.physicalMin) / (s.digitalMax - s.digitalMin));
  const signalOffset: number[] = [];
  let recordBytes = 0;
  for (const s of header.signals) { signalOffset.push(recordBytes); recordBytes += s.samplesPerRecord * w; }
  const annotations: EdfAnnotation[] = [];
  for (let r = 0; r < header.records; r++) {
    const base = header.headerBytes + r * recordBytes;
    ordinary.forEach(({ s, k }, j) => {
      const dst = out[j]!;
      const from = base + signalOffset[k]!;
      const at = r * s.samplesPerRecord;
      for (let i = 0; i < s.samplesPerRecord; i++) {
        const p = from + i * w;
        const digital = w === 2 ? (bytes[p]! | (bytes[p + 1]! << 24 >> 16)) : (bytes[p]! | (bytes[p + 1]! << 8) | (bytes[p + 2]! << 24 >> 8));
        dst[at + i] = s.physicalMin + (digital - s.digitalMin) * scale[j]!;
      }
    });
    header.signals.forEach((s, k) => {
      if (!s.isAnnotation) return;
      const from = base + signalOffset[k]!;
      annotations.push(...parseTals(bytes.subarray(from, from + s.samplesPerRecord * w), path, from).annotations);
    });
  }
  const signals = ordinary.map(({ s }, j) => ({ label: s.label, units: s.physicalDimension, fs: s.samplesPerRecord / header.recordDuration, physical: out[j]! }));
  return { file: path, header, signals, annotations };
}

/**
 * An EDF recording as an `Ecg`. The Ecg has one sampling rate, so it takes the signals at the
 * highest rate in the file (the ECG leads, in practice) and leaves slower ones (respiration,
 * SpO2, ...) out; `ecgSignals` names what was kept.
 */
export function edfToEcg(rec: EdfRecording): Ecg {
  if (rec.signals.length === 0) throw new FewbeatError('EDF file has no ordinary signals (only annotations)', { file: rec.file });
  const fs = Math.max(...rec.signals.map((s) => s.fs));
  const kept = rec.signals.filter((s) => s.fs === fs);
  return { fs, leads: kept.map((s) => s.label), signals: kept.map((s) => s.physical), units: kept.map((s) => s.units), source: rec.file };
}
