/**
 * An SLIST_PQ encoding of one lead that reads back exactly: physical value (mV) = digit · scale / (units per mV),
 * the formula of `readAecg` with origin 0. Tried in order:
 *
 * 1. a decimal grid in uV, found from the data (the smallest gap between distinct values, and 1000 / the gain it
 *    implies) or a usual ADC step (1, 2.5, 5, 4.88, 1.25, 0.5, 10, 3.75 uV): integer samples scaled by a gain,
 *    as WFDB, MUSE, Philips, DICOM and SCP-ECG give, are reproduced bit for bit because both sides are a single
 *    correctly rounded operation on the same real number;
 * 2. a power of two in mV, 2^-k written as its exact decimal expansion, when every value · 2^k is an integer
 *    below 2^53 (binary fractions, such as some filtered signals);
 * 3. otherwise 1 nV: not exact, values are rounded to the nearest nanovolt.
 *
 * NaN and infinite samples cannot be written (aECG digits are integers): the caller rejects them first.
 */
export interface LeadEncoding {
  /** The scale attribute's text, and its unit. */
  scale: string;
  unit: 'uV' | 'mV' | 'nV';
  digits: Float64Array;
  exact: boolean;
}

const USUAL_UV = [1, 2.5, 5, 4.88, 1.25, 0.5, 10, 3.75];
const MAX_DIGIT = 2 ** 53;

export function encodeLead(valuesMv: Float64Array): LeadEncoding {
  for (const s of gridCandidates(valuesMv)) {
    const digits = onGrid(valuesMv, s);
    if (digits !== undefined) return { scale: String(s), unit: 'uV', digits, exact: true };
  }
  const k = binaryExponent(valuesMv);
  if (k !== undefined) {
    const f = 2 ** k;
    return { scale: exactPowerOfTwo(k), unit: 'mV', digits: valuesMv.map((v) => v * f), exact: true };
  }
  return { scale: '1', unit: 'nV', digits: valuesMv.map((v) => Math.round(v * 1e6)), exact: false };
}

/** Candidate steps in uV: from the data first, then the usual ones. */
function gridCandidates(v: Float64Array): number[] {
  const sorted = Float64Array.from(v).sort();
  let gap = Infinity;
  for (let i = 1; i < sorted.length; i++) {
    const d = sorted[i]! - sorted[i - 1]!;
    if (d > 0 && d < gap) gap = d;
  }
  const out: number[] = [];
  if (Number.isFinite(gap)) {
    out.push(Number((gap * 1000).toPrecision(12)));
    const gain = Math.round(1 / gap);
    if (gain > 0) out.push(Number((1000 / gain).toPrecision(12)));
  }
  out.push(...USUAL_UV);
  return out.filter((s, i) => s > 0 && Number.isFinite(s) && out.indexOf(s) === i);
}

/** Digits d with (d · s) / 1000 === v for every value, or undefined. */
function onGrid(v: Float64Array, s: number): Float64Array | undefined {
  const digits = new Float64Array(v.length);
  for (let i = 0; i < v.length; i++) {
    const d = Math.round((v[i]! * 1000) / s);
    if (Math.abs(d) > MAX_DIGIT || (d * s) / 1000 !== v[i]) return undefined;
    digits[i] = d;
  }
  return digits;
}

/** Smallest k >= 0 with every v · 2^k an integer of magnitude <= 2^53, or undefined. */
function binaryExponent(v: Float64Array): number | undefined {
  let k = 0;
  for (const x of v) {
    let y = x * 2 ** k;
    while (!Number.isInteger(y) && k < 1074) {
      k++;
      y = x * 2 ** k;
    }
  }
  for (const x of v) if (!Number.isInteger(x * 2 ** k) || Math.abs(x * 2 ** k) > MAX_DIGIT) return undefined;
  return k;
}

/** 2^-k as an exact decimal string (5^k shifted k places). */
function exactPowerOfTwo(k: number): string {
  if (k === 0) return '1';
  const digits = (5n ** BigInt(k)).toString().padStart(k, '0');
  return `0.${digits}`;
}
