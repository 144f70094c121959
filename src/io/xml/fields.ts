import { FewbeatError } from '../../errors.js';

/** Largest waveform payload a reader accepts (decoded bytes): 64 MiB, far above any 12-lead resting ECG. */
export const MAX_PAYLOAD_BYTES = 64 * 1024 * 1024;

/**
 * Strict base64 (RFC 4648 §4) -> bytes, with its length checked before any allocation: whitespace is skipped,
 * any other character outside the alphabet is an error (Node's decoder would skip it silently), the length must
 * be a multiple of 4, and when `expectedBytes` is given the decoded length must equal it.
 */
export function decodeBase64(
  textIn: string,
  where: { file: string; location: string },
  expectedBytes?: number,
): Uint8Array {
  const b64 = /\s/.test(textIn) ? textIn.replace(/\s+/g, '') : textIn;
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(b64)) throw new FewbeatError('base64 data has characters outside base64', where);
  if (b64.length % 4 !== 0) {
    throw new FewbeatError(`truncated base64 data (${b64.length} characters, not a multiple of 4)`, where);
  }
  const padding = b64.endsWith('==') ? 2 : b64.endsWith('=') ? 1 : 0;
  const bytes = (b64.length / 4) * 3 - padding;
  if (expectedBytes !== undefined && bytes !== expectedBytes) {
    throw new FewbeatError(`base64 data holds ${bytes} bytes, the file declares ${expectedBytes}`, where);
  }
  if (bytes > MAX_PAYLOAD_BYTES) throw new FewbeatError(`waveform data of ${bytes} bytes is too large`, where);
  const buf = Buffer.from(b64, 'base64');
  return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
}

/** Little-endian two's-complement 16-bit samples of `bytes` (an even number of bytes). */
export function int16LE(bytes: Uint8Array): Int16Array {
  const n = bytes.length >> 1;
  const out = new Int16Array(n);
  for (let i = 0; i < n; i++) out[i] = ((bytes[2 * i + 1] << 24) | (bytes[2 * i] << 16)) >> 16;
  return out;
}

/** A required finite number from a field's text; `what` names the field in the error. */
export function parseNumber(s: string | undefined, what: string, file: string): number {
  const t = (s ?? '').trim();
  const v = t === '' ? NaN : Number(t);
  if (!Number.isFinite(v)) {
    throw new FewbeatError(s === undefined || t === '' ? `${what} is missing` : `${what} "${t}" is not a number`, {
      file,
    });
  }
  return v;
}

/** A required integer in [min, max] from a field's text. */
export function parseInteger(s: string | undefined, what: string, file: string, min: number, max: number): number {
  const v = parseNumber(s, what, file);
  if (!Number.isInteger(v) || v < min || v > max) {
    throw new FewbeatError(`${what} ${v} is not an integer in [${min}, ${max}]`, { file });
  }
  return v;
}

/** A field's text as a number when it is one, else the trimmed text itself (device measurements). */
export function numberOrText(s: string): number | string {
  const t = s.trim();
  const v = t === '' ? NaN : Number(t);
  return Number.isFinite(v) ? v : t;
}

/** Patient age in decimal years from a value and its unit (years, months, weeks, days, hours; case-insensitive). */
export function ageInYears(value: number, unit: string): number | undefined {
  const u = unit.trim().toLowerCase();
  const perYear: Record<string, number> = {
    a: 1,
    y: 1,
    yr: 1,
    year: 1,
    years: 1,
    mo: 12,
    month: 12,
    months: 12,
    wk: 365.25 / 7,
    week: 365.25 / 7,
    weeks: 365.25 / 7,
    d: 365.25,
    day: 365.25,
    days: 365.25,
    h: 365.25 * 24,
    hour: 365.25 * 24,
    hours: 365.25 * 24,
  };
  const k = perYear[u];
  return k === undefined || !Number.isFinite(value) || value < 0 ? undefined : value / k;
}

/** Decimal years between two ISO dates (`YYYY-MM-DD...`), or undefined when either does not parse. */
export function yearsBetween(birth: string, at: string): number | undefined {
  const b = Date.parse(birth.slice(0, 10));
  const a = Date.parse(at.slice(0, 10));
  if (!Number.isFinite(a) || !Number.isFinite(b) || a < b) return undefined;
  return (a - b) / (365.25 * 86_400_000);
}

/**
 * Integer samples to physical values: out[i] = (raw[i] · perUnit) / divisor — one product and one division, the
 * convention every XML reader here uses (so the aECG writer can reproduce the values bit for bit).
 */
export function scaleSamples(raw: ArrayLike<number>, perUnit: number, divisor: number): Float64Array {
  const out = new Float64Array(raw.length);
  for (let i = 0; i < raw.length; i++) out[i] = (raw[i]! * perUnit) / divisor;
  return out;
}
