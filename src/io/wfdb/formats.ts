import { FewbeatError } from '../../errors.js';

/* eslint-disable max-len -- rows of the markdown table below cannot be wrapped */
/**
 * WFDB signal storage formats ("signal(5)" manual page, WFDB Applications Guide): how a run of
 * interleaved samples is packed into bytes. Each format packs `groupSamples` samples into
 * `groupBytes` bytes; a file may end in a partial group (e.g. format 212 with an odd sample count,
 * formats 310/311 with 1 or 2 samples in the last word).
 *
 * | format | packing |
 * |---|---|
 * | 8   | 8-bit two's complement *first differences* (sample = previous + byte; the first from the header's initial value) |
 * | 16  | 16-bit two's complement, little-endian |
 * | 61  | 16-bit two's complement, big-endian |
 * | 80  | 8-bit offset binary (stored byte − 128) |
 * | 160 | 16-bit offset binary, little-endian (stored word − 32768) |
 * | 212 | two 12-bit two's complement samples in 3 bytes: s0 = b0 + (b1 & 0x0F)·256, s1 = b2 + (b1 & 0xF0)·16 |
 * | 310 | three 10-bit samples in two little-endian 16-bit words w0, w1: s0 = w0 bits 1–10, s1 = w1 bits 1–10, s2 = w0 bits 11–15 + w1 bits 11–15 · 32 |
 * | 311 | three 10-bit samples in one little-endian 32-bit word: bits 0–9, 10–19, 20–29 |
 * | 24  | 24-bit two's complement, little-endian |
 * | 32  | 32-bit two's complement, little-endian |
 *
 * FLAC formats 508/516/524 are decoded by `flac.ts`.
 */
/* eslint-enable max-len */
export interface SampleFormat {
  code: string;
  /** Samples per packing group and the bytes that group takes. */
  groupSamples: number;
  groupBytes: number;
  /** Bytes a partial final group of r samples (1 ≤ r < groupSamples) occupies, indexed by r. */
  partialBytes: readonly number[];
  /** Digital value that marks an invalid (missing) sample, or null (format 8 has none). */
  invalid: number | null;
  /** Smallest and largest storable digital values (writers must stay inside and avoid `invalid`). */
  min: number;
  max: number;
  /** Format 8 stores differences: decoded values must be integrated per signal from the initial value. */
  differences: boolean;
  /**
   * Decode `n` samples from `bytes`, starting at a group boundary, into `out[0..n)`.
   * `bytes` must hold at least `bytesFor(n)` bytes.
   */
  decode(bytes: Uint8Array, n: number, out: Int32Array): void;
}

function simple(
  code: string,
  bytesPerSample: number,
  invalid: number | null,
  min: number,
  max: number,
  decode: (bytes: Uint8Array, n: number, out: Int32Array) => void,
  differences = false,
): SampleFormat {
  return {
    code,
    groupSamples: 1,
    groupBytes: bytesPerSample,
    partialBytes: [],
    invalid,
    min,
    max,
    differences,
    decode,
  };
}

const FORMATS: Record<string, SampleFormat> = {
  '8': simple(
    '8',
    1,
    null,
    -128,
    127,
    (b, n, out) => {
      for (let i = 0; i < n; i++) out[i] = (b[i] << 24) >> 24;
    },
    true,
  ),
  '16': simple('16', 2, -32768, -32768, 32767, (b, n, out) => {
    for (let i = 0, j = 0; i < n; i++, j += 2) out[i] = ((b[j] | (b[j + 1] << 8)) << 16) >> 16;
  }),
  '61': simple('61', 2, -32768, -32768, 32767, (b, n, out) => {
    for (let i = 0, j = 0; i < n; i++, j += 2) out[i] = (((b[j] << 8) | b[j + 1]) << 16) >> 16;
  }),
  '80': simple('80', 1, -128, -128, 127, (b, n, out) => {
    for (let i = 0; i < n; i++) out[i] = b[i] - 128;
  }),
  '160': simple('160', 2, -32768, -32768, 32767, (b, n, out) => {
    for (let i = 0, j = 0; i < n; i++, j += 2) out[i] = (b[j] | (b[j + 1] << 8)) - 32768;
  }),
  '24': simple('24', 3, -8388608, -8388608, 8388607, (b, n, out) => {
    for (let i = 0, j = 0; i < n; i++, j += 3) out[i] = ((b[j] | (b[j + 1] << 8) | (b[j + 2] << 16)) << 8) >> 8;
  }),
  '32': simple('32', 4, -2147483648, -2147483648, 2147483647, (b, n, out) => {
    for (let i = 0, j = 0; i < n; i++, j += 4) out[i] = b[j] | (b[j + 1] << 8) | (b[j + 2] << 16) | (b[j + 3] << 24);
  }),
  '212': {
    code: '212',
    groupSamples: 2,
    groupBytes: 3,
    partialBytes: [0, 2],
    invalid: -2048,
    min: -2048,
    max: 2047,
    differences: false,
    decode(b, n, out) {
      const pairs = n >> 1;
      let j = 0;
      for (let i = 0; i < 2 * pairs; i += 2, j += 3) {
        const mid = b[j + 1];
        out[i] = ((b[j] | ((mid & 0x0f) << 8)) << 20) >> 20;
        out[i + 1] = ((b[j + 2] | ((mid & 0xf0) << 4)) << 20) >> 20;
      }
      if (n & 1) out[n - 1] = ((b[j] | ((b[j + 1] & 0x0f) << 8)) << 20) >> 20;
    },
  },
  '310': {
    code: '310',
    groupSamples: 3,
    groupBytes: 4,
    partialBytes: [0, 2, 4],
    invalid: -512,
    min: -512,
    max: 511,
    differences: false,
    decode(b, n, out) {
      for (let i = 0, j = 0; i < n; i += 3, j += 4) {
        const w0 = b[j] | (b[j + 1] << 8);
        out[i] = ((w0 >> 1) << 22) >> 22;
        if (i + 1 >= n) break;
        const w1 = b[j + 2] | (b[j + 3] << 8);
        out[i + 1] = ((w1 >> 1) << 22) >> 22;
        if (i + 2 >= n) break;
        out[i + 2] = ((((w0 >> 11) & 0x1f) | (((w1 >> 11) & 0x1f) << 5)) << 22) >> 22;
      }
    },
  },
  '311': {
    code: '311',
    groupSamples: 3,
    groupBytes: 4,
    partialBytes: [0, 2, 3],
    invalid: -512,
    min: -512,
    max: 511,
    differences: false,
    decode(b, n, out) {
      for (let i = 0, j = 0; i < n; i += 3, j += 4) {
        // Bytes past a partial final word are absent: `?? 0` keeps the arithmetic on numbers.
        const w = b[j] | (b[j + 1] << 8) | ((b[j + 2] ?? 0) << 16) | ((b[j + 3] ?? 0) << 24);
        out[i] = (w << 22) >> 22;
        if (i + 1 < n) out[i + 1] = ((w >> 10) << 22) >> 22;
        if (i + 2 < n) out[i + 2] = ((w >> 20) << 22) >> 22;
      }
    },
  },
};

/**
 * FLAC-compressed formats (WFDB 10.7): their sample ranges and invalid values. Their bytes are not
 * packed samples; `flac.ts` decodes whole files (asynchronously, see `readRecordAsync`).
 */
const FLAC: Record<string, SampleFormat> = Object.fromEntries(
  (
    [
      ['508', 8],
      ['516', 16],
      ['524', 24],
    ] as const
  ).map(([code, bits]) => [
    code,
    {
      code,
      groupSamples: 1,
      groupBytes: 1,
      partialBytes: [],
      invalid: -(2 ** (bits - 1)),
      min: -(2 ** (bits - 1)),
      max: 2 ** (bits - 1) - 1,
      differences: false,
      decode() {
        throw new FewbeatError(
          `format ${code} (FLAC) is decoded as a whole file by readRecordAsync, not as packed samples`,
        );
      },
    },
  ]),
);

/** The FLAC format with this code, or undefined. */
export function flacFormat(code: string): SampleFormat | undefined {
  return Object.hasOwn(FLAC, code) ? FLAC[code] : undefined;
}

/** All formats fewbeat decodes, in the order of the WFDB manual. */
export const SUPPORTED_FORMATS: readonly string[] = ['8', '16', '61', '80', '160', '212', '310', '311', '24', '32'];

/** The format with this code, or undefined when fewbeat does not decode it. */
export function sampleFormat(code: string): SampleFormat | undefined {
  return Object.hasOwn(FORMATS, code) ? FORMATS[code] : undefined;
}

/** Bytes needed to store `n` samples (including a partial final group). */
export function bytesFor(format: SampleFormat, n: number): number {
  const groups = Math.floor(n / format.groupSamples);
  const r = n - groups * format.groupSamples;
  return groups * format.groupBytes + (r > 0 ? (format.partialBytes[r] as number) : 0);
}

/** The number of whole samples `byteCount` bytes hold. */
export function samplesIn(format: SampleFormat, byteCount: number): number {
  const groups = Math.floor(byteCount / format.groupBytes);
  const rem = byteCount - groups * format.groupBytes;
  let r = 0;
  for (let k = 1; k < format.groupSamples; k++) if ((format.partialBytes[k] as number) <= rem) r = k;
  return groups * format.groupSamples + r;
}
