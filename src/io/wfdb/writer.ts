import { basename } from 'node:path';
import { FewbeatError } from '../../errors.js';
import { writeFileAtomic } from '../../util/atomic-write.js';
import { checksum16 } from './checksum.js';
import { bytesFor, sampleFormat, type SampleFormat } from './formats.js';

/** A record to write: physical values, one array per signal, all the same length. */
export interface RecordToWrite {
  /** Sampling frequency in Hz. */
  fs: number;
  /** Physical values per signal (NaN = missing, written as the format's invalid-sample value). */
  signals: Float64Array[];
  /** Signal names (header description field). */
  names: string[];
  /** Physical units per signal (`mV`); no blanks. */
  units: string[];
  fmt: '16' | '212';
  /**
   * ADC units per physical unit, per signal. Default 1000 (format
   * 16) or 200 (format 212), lowered when a signal would not fit.
   */
  adcGain?: number[] | undefined;
  /** Digital value of physical zero, per signal. Default 0. */
  baseline?: number[] | undefined;
  /** Header comment lines (written as `# line`). */
  comments?: string[] | undefined;
}

const DEFAULT_GAIN: Record<RecordToWrite['fmt'], number> = { '16': 1000, '212': 200 };
const ADC_RES: Record<RecordToWrite['fmt'], number> = { '16': 16, '212': 12 };

/**
 * Write `<recordPath>.hea` and `<recordPath>.dat` (all signals interleaved in one file) in format
 * 16 or 212. Digital values are d = round(p · gain + baseline); the header carries each signal's
 * initial value and 16-bit checksum. Both files are written atomically, the data file first.
 */
export function writeRecord(recordPath: string, rec: RecordToWrite): void {
  const file = `${recordPath}.hea`;
  const fail = (reason: string): never => {
    throw new FewbeatError(reason, { file });
  };
  const format = sampleFormat(rec.fmt) as SampleFormat;
  const nSig = rec.signals.length;
  if (!(rec.fs > 0) || !Number.isFinite(rec.fs)) fail(`sampling frequency ${rec.fs} is not a positive number`);
  if (rec.names.length !== nSig || rec.units.length !== nSig)
    fail(`${nSig} signals but ${rec.names.length} names and ${rec.units.length} units`);
  const sigLen = nSig === 0 ? 0 : (rec.signals[0] as Float64Array).length;
  rec.signals.forEach((s, k) => {
    if (s.length !== sigLen) fail(`signal ${k} has ${s.length} samples, signal 0 has ${sigLen}`);
  });
  rec.units.forEach((u, k) => {
    if (!/^[^\s()/]+$/.test(u))
      fail(`units '${u}' of signal ${k} must be non-empty without blanks, '/' or parentheses`);
  });
  rec.names.forEach((n, k) => {
    if (/[\r\n]/.test(n)) fail(`name of signal ${k} contains a line break`);
  });
  const name = basename(recordPath);
  if (!/^[\w-]+$/.test(name)) fail(`record name '${name}' may only contain letters, digits, '_' and '-'`);

  const digital = rec.signals.map((p, k) => {
    const baseline = rec.baseline?.[k] ?? 0;
    const gain = rec.adcGain?.[k] ?? fittingGain(p, baseline, format, DEFAULT_GAIN[rec.fmt]);
    if (!(gain > 0) || !Number.isFinite(gain)) fail(`ADC gain ${gain} of signal ${k} is not a positive number`);
    return {
      gain,
      baseline,
      values: digitize(p, gain, baseline, format, (i) =>
        fail(
          `signal ${k} sample ${i}: value ${p[i]} does not fit format ` +
            `${rec.fmt} with gain ${gain} and baseline ${baseline}`,
        ),
      ),
    };
  });

  const data = Buffer.alloc(bytesFor(format, sigLen * nSig));
  if (rec.fmt === '16')
    encode16(
      digital.map((d) => d.values),
      sigLen,
      data,
    );
  else
    encode212(
      digital.map((d) => d.values),
      sigLen,
      data,
    );

  const lines = [`${name} ${nSig} ${formatNumber(rec.fs)} ${sigLen}`];
  digital.forEach((d, k) => {
    const init = sigLen > 0 ? d.values[0] : 0;
    lines.push(
      (
        `${name}.dat ${rec.fmt} ${formatNumber(d.gain)}(${d.baseline})/${rec.units[k]} ` +
        `${ADC_RES[rec.fmt]} 0 ${init} ${checksum16(d.values)} 0 ` +
        `${rec.names[k]}`
      ).trimEnd(),
    );
  });
  for (const c of rec.comments ?? []) {
    for (const line of c.split(/\r?\n/)) lines.push(`# ${line}`);
  }
  writeFileAtomic(`${recordPath}.dat`, data);
  writeFileAtomic(file, `${lines.join('\n')}\n`);
}

/**
 * The default gain, or a smaller one (3 significant digits) when the default would overflow:
 * the largest g ≤ default with |p·g + baseline| inside the format's range for every finite p.
 */
function fittingGain(p: Float64Array, baseline: number, format: SampleFormat, defaultGain: number): number {
  let maxAbs = 0;
  for (let i = 0; i < p.length; i++) {
    const a = Math.abs(p[i]);
    if (a > maxAbs) maxAbs = a; // NaN compares false and is skipped
  }
  const room = Math.min(format.max - baseline, baseline - (format.min + 1)) - 0.5;
  if (maxAbs === 0 || maxAbs * defaultGain <= room) return defaultGain;
  if (room <= 0) return defaultGain; // baseline outside the range: digitize reports the overflow
  const g = room / maxAbs;
  const scale = 10 ** (Math.floor(Math.log10(g)) - 2);
  return Math.floor(g / scale) * scale;
}

/**
 * d[i] = round(p[i]·gain + baseline); NaN → the invalid-sample
 * value. The invalid value itself is never produced otherwise.
 */
function digitize(
  p: Float64Array,
  gain: number,
  baseline: number,
  format: SampleFormat,
  overflow: (i: number) => never,
): Int32Array {
  const out = new Int32Array(p.length);
  const lo = format.min + 1;
  const hi = format.max;
  const invalid = format.invalid as number;
  for (let i = 0; i < p.length; i++) {
    const x = p[i];
    if (Number.isNaN(x)) {
      out[i] = invalid;
      continue;
    }
    const d = Math.round(x * gain + baseline);
    if (!(d >= lo && d <= hi)) overflow(i);
    out[i] = d;
  }
  return out;
}

function encode16(signals: Int32Array[], sigLen: number, out: Buffer): void {
  const nSig = signals.length;
  for (let k = 0; k < nSig; k++) {
    const s = signals[k] as Int32Array;
    for (let t = 0, j = 2 * k; t < sigLen; t++, j += 2 * nSig) {
      const v = s[t];
      out[j] = v & 0xff;
      out[j + 1] = (v >> 8) & 0xff;
    }
  }
}

function encode212(signals: Int32Array[], sigLen: number, out: Buffer): void {
  const nSig = signals.length;
  const total = sigLen * nSig;
  const at = (i: number): number => (signals[i % nSig] as Int32Array)[Math.floor(i / nSig)] & 0xfff;
  let j = 0;
  for (let i = 0; i + 1 < total; i += 2, j += 3) {
    const a = at(i);
    const b = at(i + 1);
    out[j] = a & 0xff;
    out[j + 1] = ((a >> 8) & 0x0f) | ((b >> 4) & 0xf0);
    out[j + 2] = b & 0xff;
  }
  if (total & 1) {
    const a = at(total - 1);
    out[j] = a & 0xff;
    out[j + 1] = (a >> 8) & 0x0f;
  }
}

/** Shortest decimal form of a number (`360`, `62.4725`). */
function formatNumber(x: number): string {
  return String(Number(x.toPrecision(12)));
}
