import { FewbeatError } from '../../errors.js';
import type { Ecg, EcgMetadata } from '../ecg.js';
import { bimodalStoredCount, expandBimodal, type ProtectedArea } from './bimodal.js';
import { DEFAULT_TABLE_MARK, decodeLead, type HuffmanCode, type HuffmanTables } from './huffman.js';
import { scpLeadName } from './lead-codes.js';
import { readGlobalMeasurements, readPatient, readStatements } from './patient.js';
import { readSections, type ScpSection, u16, u32 } from './sections.js';

/**
 * Read an SCP-ECG file (EN 1064:2005+A1:2007, ISO 11073-91064:2009) into an `Ecg` in mV.
 *
 * Read: the file and every section CRC (CRC-CCITT), section 1 (age, sex, acquisition date, device), section 2
 * (default or custom Huffman tables, or none), section 3 (lead codes and sample ranges; leads not recorded over the
 * whole span are NaN outside their range), section 4 (reference-beat positions), section 5 (reference beat, offered as
 * the `median beat` group), section 6 (rhythm: first or second differences; reference-beat subtraction undone by
 * adding the reference beat back at each QRS of type 0, §5.8.1), section 7 (global measurements), section 8
 * (interpretive statements). Values are samples × AVM (nV per unit, sections 5/6) × 10⁻⁶ mV.
 * Bimodal compression (rhythm decimated outside the protected QRS areas, §5.8.2) is expanded to the reference
 * beat's rate (see `bimodal.ts`). Not read: sections 9-11 (manufacturer data, lead measurements, universal
 * statement codes) are skipped.
 */
export function readScpEcg(bytes: Uint8Array, file: string): Ecg {
  const sections = readSections(bytes, file);
  const where = (id: number, detail = ''): { file: string; location: string } => ({
    file,
    location: `section ${id}${detail}`,
  });
  const tables = readHuffmanTables(bytes, sections.get(2), where(2));
  const leads = readLeads(bytes, sections.get(3), where(3));
  const s6 = sections.get(6);
  if (!s6) throw new FewbeatError('no rhythm data (section 6 is absent)', { file });
  const rhythm = readDataSection(bytes, s6, leads.length, where(6));
  if (rhythm.interval === 0) throw new FewbeatError('sample interval is 0', where(6, ', byte 2'));
  if (rhythm.avm === 0) throw new FewbeatError('amplitude value multiplier (AVM) is 0', where(6, ', byte 0'));
  if (rhythm.bimodal > 1)
    throw new FewbeatError(`bimodal compression flag ${rhythm.bimodal} is not 0 or 1`, where(6, ', byte 5'));

  const s4 = sections.get(4);
  const beats = s4 ? readBeats(bytes, s4, where(4)) : null;
  const s5 = sections.get(5);
  const medianSection = s5 ? readDataSection(bytes, s5, leads.length, where(5)) : null;
  // bimodal compression: the full rate is the reference beat's; `rate` full-rate samples per decimated one
  let rate = 1;
  let interval = rhythm.interval;
  if (rhythm.bimodal === 1) {
    if (!medianSection || medianSection.interval === 0 || !beats || beats.areas.length === 0)
      throw new FewbeatError(
        'bimodal compression needs the reference beat (section 5) and the protected areas (section 4)',
        where(6, ', byte 5'),
      );
    rate = rhythm.interval / medianSection.interval;
    if (!Number.isInteger(rate) || rate < 1 || rate > 4)
      throw new FewbeatError(
        `bimodal compression: rhythm interval ${rhythm.interval} µs is not 1-4 × the reference beat's ` +
          `${medianSection.interval} µs`,
        where(6, ', byte 2'),
      );
    interval = medianSection.interval;
  }
  let median: { values: Int32Array[]; avm: number; interval: number } | null = null;
  if (medianSection && beats && beats.medianMs > 0) {
    const m = medianSection;
    if (m.interval > 0 && m.avm > 0) {
      const length = Math.floor((beats.medianMs * 1000) / m.interval);
      const values = leads.map((lead, k) =>
        decodeFully(tables, bytes, m.data[k]!, length, m.difference, where(5, `, lead ${lead.name}`)),
      );
      median = { values, avm: m.avm, interval: m.interval };
    }
  }

  const first = Math.min(...leads.map((l) => l.start));
  const last = Math.max(...leads.map((l) => l.end));
  const span = last - first + 1;
  const signals = leads.map((lead, k) => {
    const n = lead.end - lead.start + 1;
    const count = rate === 1 ? n : bimodalStoredCount(lead.start, n, rate, beats!.areas);
    const stored = decodeFully(
      tables,
      bytes,
      rhythm.data[k]!,
      count,
      rhythm.difference,
      where(6, `, lead ${lead.name}`),
    );
    const values = rate === 1 ? stored : expandBimodal(stored, lead.start, n, rate, beats!.areas);
    const out = new Float64Array(span).fill(Number.NaN);
    const off = lead.start - first;
    const scale = rhythm.avm * 1e-6;
    for (let i = 0; i < n; i++) out[off + i] = values[i]! * scale;
    return out;
  });

  if (leads.referenceBeatSubtracted && beats && beats.qrs.length > 0) {
    if (!median)
      throw new FewbeatError('reference beat subtraction is used but the reference beat (section 5) is missing', {
        file,
      });
    if (median.interval !== interval)
      throw new FewbeatError(
        `reference beat subtraction with different sample intervals (${median.interval} µs vs ${interval} µs)` +
          ' is not supported',
        where(5),
      );
    const scale = median.avm * 1e-6;
    leads.forEach((lead, k) => {
      const ref = median.values[k]!;
      const out = signals[k]!;
      for (const q of beats.qrs) {
        if (q.type !== 0) continue;
        for (let s = Math.max(q.start, lead.start); s <= Math.min(q.end, lead.end); s++) {
          const m = s - q.fiducial + beats.fiducial - 1;
          if (m >= 0 && m < ref.length) out[s - first]! += ref[m]! * scale;
        }
      }
    });
  }

  const meta: EcgMetadata = { format: 'scp-ecg', ...readPatient(bytes, sections.get(1)) };
  const statements = readStatements(bytes, sections.get(8));
  if (statements.length > 0) meta.statements = statements;
  const measurements = readGlobalMeasurements(bytes, sections.get(7));
  if (Object.keys(measurements).length > 0) meta.deviceMeasurements = measurements;
  const names = leads.map((l) => l.name);
  if (median) {
    const scale = median.avm * 1e-6;
    meta.groups = [
      {
        name: 'median beat',
        ecg: {
          fs: 1e6 / median.interval,
          leads: names,
          units: names.map(() => 'mV'),
          signals: median.values.map((v) => Float64Array.from(v, (x) => x * scale)),
          source: file,
        },
      },
    ];
  }
  return { fs: 1e6 / interval, leads: names, units: names.map(() => 'mV'), signals, source: file, meta };
}

interface LeadRange {
  name: string;
  /** 1-based first and last sample number (inclusive). */
  start: number;
  end: number;
}

/** Longest lead accepted: one hour at 1 kHz (SCP-ECG holds resting ECGs of seconds to minutes). */
const MAX_LEAD_SAMPLES = 3_600_000;

function readLeads(
  bytes: Uint8Array,
  s3: ScpSection | undefined,
  where: { file: string; location: string },
): LeadRange[] & { referenceBeatSubtracted: boolean } {
  if (!s3) throw new FewbeatError('no lead definition (section 3 is absent)', { file: where.file });
  if (s3.body + 2 > s3.end) throw new FewbeatError('section too short', where);
  const n = bytes[s3.body]!;
  const flags = bytes[s3.body + 1]!;
  if (n === 0) throw new FewbeatError('no leads', where);
  if (s3.body + 2 + 9 * n > s3.end) throw new FewbeatError(`${n} leads do not fit the section`, where);
  const leads: LeadRange[] = [];
  for (let i = 0; i < n; i++) {
    const o = s3.body + 2 + 9 * i;
    const start = u32(bytes, o);
    const end = u32(bytes, o + 4);
    const name = scpLeadName(bytes[o + 8]!);
    if (start < 1 || end < start || end - start + 1 > MAX_LEAD_SAMPLES)
      throw new FewbeatError(`lead ${name}: sample range ${start}-${end} is impossible`, where);
    leads.push({ name, start, end });
  }
  const first = Math.min(...leads.map((l) => l.start));
  const last = Math.max(...leads.map((l) => l.end));
  if (last - first + 1 > MAX_LEAD_SAMPLES)
    throw new FewbeatError(`leads span samples ${first}-${last}, more than ${MAX_LEAD_SAMPLES}`, where);
  return Object.assign(leads, { referenceBeatSubtracted: (flags & 1) === 1 });
}

interface DataSection {
  avm: number;
  interval: number;
  difference: number;
  bimodal: number;
  /** Per lead, the byte range of its encoded data. */
  data: Array<{ from: number; to: number }>;
}

/** Sections 5 and 6: AVM (nV), sample interval (µs), difference encoding, a flag byte, then per-lead byte counts. */
function readDataSection(
  bytes: Uint8Array,
  s: ScpSection,
  nLeads: number,
  where: { file: string; location: string },
): DataSection {
  const head = 6 + 2 * nLeads;
  if (s.body + head > s.end) throw new FewbeatError(`section too short for ${nLeads} leads`, where);
  const data: Array<{ from: number; to: number }> = [];
  let p = s.body + head;
  for (let k = 0; k < nLeads; k++) {
    const len = u16(bytes, s.body + 6 + 2 * k);
    if (p + len > s.end) throw new FewbeatError(`lead ${k + 1}: ${len} data bytes run past the section's end`, where);
    data.push({ from: p, to: p + len });
    p += len;
  }
  return {
    avm: u16(bytes, s.body),
    interval: u16(bytes, s.body + 2),
    difference: bytes[s.body + 4]!,
    bimodal: bytes[s.body + 5]!,
    data,
  };
}

/** Decode one lead's `n` values; fewer values than declared is an error (truncated or corrupt data). */
function decodeFully(
  tables: HuffmanTables,
  bytes: Uint8Array,
  range: { from: number; to: number },
  n: number,
  difference: number,
  where: { file: string; location: string },
): Int32Array {
  // every value takes at least one bit (16 without Huffman coding): refuse before allocating for an impossible count
  const capacity = tables.kind === 'none' ? (range.to - range.from) >> 1 : 8 * (range.to - range.from);
  if (n > capacity)
    throw new FewbeatError(
      `declares ${n} samples but its ${range.to - range.from} bytes hold at most ${capacity}`,
      where,
    );
  const out = new Int32Array(n);
  const got = decodeLead(tables, bytes, range.from, range.to, out, difference, where);
  if (got < n) throw new FewbeatError(`data ends after ${got} of ${n} samples`, where);
  return out;
}

/** Section 2: 19999 = default table, 0 = no Huffman coding, else that many custom tables. */
function readHuffmanTables(
  bytes: Uint8Array,
  s2: ScpSection | undefined,
  where: { file: string; location: string },
): HuffmanTables {
  if (!s2) return { kind: 'default' };
  if (s2.body + 2 > s2.end) throw new FewbeatError('section too short', where);
  const count = u16(bytes, s2.body);
  if (count === DEFAULT_TABLE_MARK) return { kind: 'default' };
  if (count === 0) return { kind: 'none' };
  const tables: HuffmanCode[][] = [];
  let p = s2.body + 2;
  for (let t = 0; t < count; t++) {
    if (p + 2 > s2.end) throw new FewbeatError(`table ${t + 1} of ${count} lies past the section's end`, where);
    const n = u16(bytes, p);
    p += 2;
    if (n === 0 || p + 9 * n > s2.end)
      throw new FewbeatError(`table ${t + 1}: ${n} codes do not fit the section`, where);
    const codes: HuffmanCode[] = [];
    for (let i = 0; i < n; i++, p += 9) {
      const prefixBits = bytes[p]!;
      const totalBits = bytes[p + 1]!;
      const stored = u32(bytes, p + 5);
      if (prefixBits < 1 || prefixBits > 32 || totalBits < prefixBits || totalBits - prefixBits > 24)
        throw new FewbeatError(
          `table ${t + 1}, code ${i + 1}: bit lengths ${prefixBits}/${totalBits} are invalid`,
          where,
        );
      let code = 0;
      for (let k = 0; k < prefixBits; k++) code = code * 2 + (Math.floor(stored / 2 ** k) & 1);
      codes.push({ prefixBits, totalBits, tableMode: bytes[p + 2]!, value: (u16(bytes, p + 3) << 16) >> 16, code });
    }
    tables.push(codes);
  }
  return { kind: 'custom', tables };
}

/** Section 4: reference beat length (ms), its fiducial sample, and each QRS's type, start, fiducial and end. */
function readBeats(
  bytes: Uint8Array,
  s4: ScpSection,
  where: { file: string; location: string },
): {
  medianMs: number;
  fiducial: number;
  qrs: Array<{ type: number; start: number; fiducial: number; end: number }>;
  areas: ProtectedArea[];
} {
  if (s4.body + 6 > s4.end) throw new FewbeatError('section too short', where);
  const n = u16(bytes, s4.body + 4);
  if (s4.body + 6 + 14 * n > s4.end) throw new FewbeatError(`${n} QRS complexes do not fit the section`, where);
  const qrs = [];
  for (let i = 0; i < n; i++) {
    const o = s4.body + 6 + 14 * i;
    qrs.push({ type: u16(bytes, o), start: u32(bytes, o + 2), fiducial: u32(bytes, o + 6), end: u32(bytes, o + 10) });
  }
  // the protected areas (start, end per QRS) follow when the section holds them
  const areas: ProtectedArea[] = [];
  const a0 = s4.body + 6 + 14 * n;
  if (a0 + 8 * n <= s4.end)
    for (let i = 0; i < n; i++) {
      const start = u32(bytes, a0 + 8 * i);
      const end = u32(bytes, a0 + 8 * i + 4);
      if (start >= 1 && end >= start) areas.push({ start, end });
    }
  return { medianMs: u16(bytes, s4.body), fiducial: u16(bytes, s4.body + 2), qrs, areas };
}
