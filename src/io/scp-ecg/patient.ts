import type { EcgMetadata } from '../ecg.js';
import { i16, type ScpSection, u16 } from './sections.js';

/**
 * What SCP-ECG sections 1, 7 and 8 say besides the samples (EN 1064:2005 §5.5, §5.10, §5.11).
 *
 * Section 1 is a list of tagged fields (tag uint8, length uint16 LE, value) ended by tag 255. Read here: 4 age
 * (uint16 value, uint8 unit: 1 years, 2 months, 3 weeks, 4 days, 5 hours), 5 date of birth and 25 date of acquisition
 * (uint16 year, uint8 month, uint8 day; the age comes from them when tag 4 is absent; a year that is implausible
 * little-endian but plausible big-endian, as some devices write it, is read big-endian), 8 sex (1 male, 2 female;
 * anything else unknown), 26 time of acquisition (h, m, s), 14 acquiring device (model description at bytes 8-13,
 * manufacturer as the last of the NUL-terminated strings after byte 35).
 * Section 7 (global measurements): byte 0 = number of reference-beat types + 1, then the average RR and PP intervals
 * (uint16 ms) at bytes 2 and 4, then per beat type P onset, P offset, QRS onset, QRS offset, T offset (uint16 ms in
 * the reference beat) and the P, QRS and T axes (int16 degrees); 29999 (intervals) and 999 (axes) mean undefined.
 * Section 8 (interpretive statements): byte 8 = number of statements, then per statement a sequence number
 * (uint8), a length (uint16) and NUL-terminated text.
 */

const latin1 = new TextDecoder('latin1');
const text = (b: Uint8Array): string => latin1.decode(b).replace(/\0.*$/s, '').trim();

const AGE_UNIT_YEARS: Record<number, number> = { 1: 1, 2: 1 / 12, 3: 7 / 365.25, 4: 1 / 365.25, 5: 1 / (365.25 * 24) };

/** Patient age, sex, acquisition time and device from section 1. */
export function readPatient(bytes: Uint8Array, s1: ScpSection | undefined): EcgMetadata {
  const meta: EcgMetadata = {};
  if (!s1) return meta;
  const tags = new Map<number, Uint8Array>();
  for (let p = s1.body; p + 3 <= s1.end;) {
    const tag = bytes[p]!;
    const len = u16(bytes, p + 1);
    if (tag === 255 || p + 3 + len > s1.end) break;
    if (!tags.has(tag)) tags.set(tag, bytes.subarray(p + 3, p + 3 + len));
    p += 3 + len;
  }
  const date = (v: Uint8Array | undefined): { y: number; m: number; d: number } | null => {
    if (!v || v.length < 4) return null;
    // some devices write the year big-endian (0x07D0 stored as 07 D0): take whichever byte order is a plausible year
    const y = [u16(v, 0), (v[0]! << 8) | v[1]!].find((year) => year >= 1850 && year <= 2200) ?? 0;
    const m = v[2]!;
    const d = v[3]!;
    return y > 0 && m >= 1 && m <= 12 && d >= 1 && d <= 31 ? { y, m, d } : null;
  };
  const age = tags.get(4);
  const acquired = date(tags.get(25));
  if (age && age.length >= 3 && u16(age, 0) > 0 && AGE_UNIT_YEARS[age[2]!] !== undefined) {
    meta.ageYears = u16(age, 0) * AGE_UNIT_YEARS[age[2]!]!;
  } else {
    const born = date(tags.get(5));
    if (born && acquired) {
      const days = (Date.UTC(acquired.y, acquired.m - 1, acquired.d) - Date.UTC(born.y, born.m - 1, born.d)) / 864e5;
      if (days >= 0 && days < 150 * 365.25) meta.ageYears = days / 365.25;
    }
  }
  const sex = tags.get(8)?.[0];
  if (sex === 1) meta.sex = 'M';
  else if (sex === 2) meta.sex = 'F';
  if (acquired) {
    const t = tags.get(26);
    const pad = (v: number): string => String(v).padStart(2, '0');
    meta.acquired =
      `${acquired.y}-${pad(acquired.m)}-${pad(acquired.d)}` +
      (t && t.length >= 3 && t[0]! < 24 && t[1]! < 60 && t[2]! < 60
        ? `T${pad(t[0]!)}:${pad(t[1]!)}:${pad(t[2]!)}`
        : '');
  }
  const device = tags.get(14);
  if (device && device.length > 36) {
    const model = text(device.subarray(8, 14));
    const strings = latin1
      .decode(device.subarray(36))
      .split('\0')
      .map((s) => s.trim())
      .filter((s) => s !== '' && s !== 'unknown');
    const name = [strings.at(-1) ?? '', model].filter((s) => s !== '').join(' ');
    if (name !== '') meta.device = name;
  }
  return meta;
}

/** The device's global measurements from section 7 (first reference beat type), absent fields left out. */
export function readGlobalMeasurements(bytes: Uint8Array, s7: ScpSection | undefined): Record<string, number> {
  const out: Record<string, number> = {};
  if (!s7 || s7.body + 6 > s7.end) return out;
  const rr = u16(bytes, s7.body + 2);
  const pp = u16(bytes, s7.body + 4);
  if (rr > 0 && rr !== 29999) {
    out.RRInterval = rr;
    out.VentricularRate = Math.round(60000 / rr);
  }
  if (pp > 0 && pp !== 29999) {
    out.PPInterval = pp;
    out.AtrialRate = Math.round(60000 / pp);
  }
  const o = s7.body + 6;
  if (bytes[s7.body]! >= 1 && o + 16 <= s7.end) {
    const names = ['POnset', 'POffset', 'QOnset', 'QOffset', 'TOffset'] as const;
    const v = names.map((_, i) => u16(bytes, o + 2 * i));
    names.forEach((name, i) => {
      if (v[i] !== 29999) out[name] = v[i]!;
    });
    const ok = (i: number): boolean => v[i] !== 29999;
    if (ok(0) && ok(2)) out.PRInterval = v[2]! - v[0]!;
    if (ok(2) && ok(3)) out.QRSDuration = v[3]! - v[2]!;
    if (ok(2) && ok(4)) out.QTInterval = v[4]! - v[2]!;
    (['PAxis', 'RAxis', 'TAxis'] as const).forEach((name, i) => {
      const a = i16(bytes, o + 10 + 2 * i);
      if (a !== 999 && a !== 29999) out[name] = a;
    });
  }
  return out;
}

/** The interpretive statements of section 8, in order (empty lines dropped). */
export function readStatements(bytes: Uint8Array, s8: ScpSection | undefined): string[] {
  if (!s8 || s8.body + 9 > s8.end) return [];
  const n = bytes[s8.body + 8]!;
  const out: string[] = [];
  let p = s8.body + 9;
  for (let i = 0; i < n && p + 3 <= s8.end; i++) {
    const len = u16(bytes, p + 1);
    const end = Math.min(p + 3 + len, s8.end);
    const t = text(bytes.subarray(p + 3, end));
    if (t !== '') out.push(t);
    p = end;
  }
  return out;
}
