/**
 * HL7 v3 timestamps (TS: `YYYYMMDDHHMMSS.UUUU[+|-ZZzz]`, any trailing part omitted) to ISO 8601 text and to
 * seconds, for time offsets within one recording.
 */
const TS = /^(\d{4})(\d{2})?(\d{2})?(\d{2})?(\d{2})?(\d{2}(?:\.\d+)?)?([+-]\d{4})?$/;

/** `20021122091000.122` -> `2002-11-22T09:10:00.122`; undefined when the text is not a TS. */
export function hl7TimeToIso(ts: string): string | undefined {
  const m = TS.exec(ts.trim());
  if (m === null) return undefined;
  const [, y, mo, d, h, mi, s] = m;
  let iso = y!;
  if (mo) iso += `-${mo}`;
  if (d) iso += `-${d}`;
  if (h) iso += `T${h}:${mi ?? '00'}:${s ?? '00'}`;
  return iso;
}

/**
 * Seconds from TS `from` to TS `to` (zones ignored: both from one file), exact to the digits written: whole
 * seconds and fractions are subtracted apart, since seconds since 1970 in one float keep only ~0.1 us.
 */
export function hl7SecondsBetween(from: string, to: string): number | undefined {
  const a = split(from);
  const b = split(to);
  if (a === undefined || b === undefined) return undefined;
  return Math.round((b.whole - a.whole + (b.fraction - a.fraction)) * 1e9) / 1e9;
}

function split(ts: string): { whole: number; fraction: number } | undefined {
  const m = TS.exec(ts.trim());
  if (m === null) return undefined;
  const [, y, mo, d, h, mi, s] = m;
  const sec = Number(s ?? '0');
  const whole = Math.floor(sec);
  const ms = Date.UTC(Number(y), Number(mo ?? '1') - 1, Number(d ?? '1'), Number(h ?? '0'), Number(mi ?? '0'), whole);
  return { whole: ms / 1000, fraction: sec - whole };
}
