import { FewbeatError } from '../../errors.js';

/**
 * SCP-ECG Huffman decoding (EN 1064:2005 §5.5 section 2 and Annex C) and the first/second difference reconstruction
 * (§5.7.3, §5.8.3).
 *
 * Default table (section 2 holds the value 19999): a run of k ones (k = 0..8) then a 0 codes the value k, followed
 * for k > 0 by a sign bit (1 = negative); nine ones then `0` + 8 bits or `1` + 16 bits code the value in two's
 * complement. Custom tables give, per code: its prefix bit length, the entire bit length, the table mode (0 = the
 * code switches to table `value`), the base value and the code bits (stored least significant bit first). When the
 * entire length exceeds the prefix, the extra bits are a two's-complement number added to the base value.
 * Table 0 (section 2 holds 0) means no Huffman coding: 16-bit little-endian values.
 */

/** One code of a custom Huffman table. */
export interface HuffmanCode {
  prefixBits: number;
  totalBits: number;
  /** 0 = switch to table `value` (1-based), else a value code. */
  tableMode: number;
  value: number;
  /** The code bits, most significant first (already bit-reversed from the file's storage order). */
  code: number;
}

/** Section 2's contents: the default table, no coding, or custom tables. */
export type HuffmanTables = { kind: 'default' } | { kind: 'none' } | { kind: 'custom'; tables: HuffmanCode[][] };

/** Section 2 value that selects the standard's default table. */
export const DEFAULT_TABLE_MARK = 19999;

interface Where {
  file: string;
  location: string;
}

/**
 * Decode `count` values from `data[from, to)` into `out` and undo the difference encoding
 * (0: x[n] = d[n]; 1: x[n] = d[n] + x[n−1]; 2: x[n] = d[n] + 2x[n−1] − x[n−2], the first one resp. two values stored
 * as such). Returns how many values were decoded before the data ran out (< count when truncated).
 */
export function decodeLead(
  tables: HuffmanTables,
  data: Uint8Array,
  from: number,
  to: number,
  out: Int32Array,
  difference: number,
  where: Where,
): number {
  if (difference !== 0 && difference !== 1 && difference !== 2)
    throw new FewbeatError(`difference encoding ${difference} is not 0, 1 or 2`, where);
  const n =
    tables.kind === 'none'
      ? decodeRaw(data, from, to, out)
      : tables.kind === 'default'
        ? decodeDefault(data, from, to, out)
        : decodeCustom(tables.tables, data, from, to, out, where);
  if (difference === 1) for (let i = 1; i < n; i++) out[i] = (out[i]! + out[i - 1]!) | 0;
  else if (difference === 2) for (let i = 2; i < n; i++) out[i] = (out[i]! + 2 * out[i - 1]! - out[i - 2]!) | 0;
  return n;
}

function decodeRaw(data: Uint8Array, from: number, to: number, out: Int32Array): number {
  const n = Math.min(out.length, (to - from) >> 1);
  for (let i = 0; i < n; i++) {
    const v = data[from + 2 * i]! | (data[from + 2 * i + 1]! << 8);
    out[i] = v >= 0x8000 ? v - 0x10000 : v;
  }
  return n;
}

function decodeDefault(data: Uint8Array, from: number, to: number, out: Int32Array): number {
  const endBit = to * 8;
  let bit = from * 8;
  /** The next bit, or −1 past the lead's bytes. */
  const next = (): number => (bit < endBit ? (data[bit >> 3]! >> (7 - (bit++ & 7))) & 1 : -1);
  let n = 0;
  while (n < out.length) {
    let ones = 0;
    let b = next();
    while (b === 1 && ones < 9) {
      ones++;
      if (ones < 9) b = next();
    }
    if (b < 0) return n;
    if (ones === 0) {
      out[n++] = 0;
      continue;
    }
    const s = next();
    if (s < 0) return n;
    if (ones < 9) {
      out[n++] = s === 1 ? -ones : ones;
      continue;
    }
    const width = s === 0 ? 8 : 16;
    if (bit + width > endBit) return n;
    let v = 0;
    for (let k = 0; k < width; k++) v = (v << 1) | next();
    out[n++] = v >= 1 << (width - 1) ? v - (1 << width) : v;
  }
  return n;
}

function decodeCustom(
  tables: HuffmanCode[][],
  data: Uint8Array,
  from: number,
  to: number,
  out: Int32Array,
  where: Where,
): number {
  const endBit = to * 8;
  let bit = from * 8;
  const bitAt = (b: number): number => (data[b >> 3]! >> (7 - (b & 7))) & 1;
  const lookups = tables.map((t) => new Map(t.map((c) => [c.prefixBits * 2 ** 32 + c.code, c] as const)));
  const longests = tables.map((t) => t.reduce((m, c) => Math.max(m, c.prefixBits), 0));
  let table = lookups[0]!;
  let longest = longests[0]!;
  let n = 0;
  while (n < out.length && bit < endBit) {
    let code = 0;
    let hit: HuffmanCode | undefined;
    for (let len = 1; len <= longest && bit + len <= endBit; len++) {
      code = code * 2 + bitAt(bit + len - 1);
      hit = table.get(len * 2 ** 32 + code);
      if (hit) break;
    }
    if (!hit) {
      if (endBit - bit < longest) break; // padding at the end of the lead's bytes
      throw new FewbeatError(`Huffman data of a lead has no code at bit ${bit - from * 8}`, where);
    }
    if (bit + hit.totalBits > endBit) break;
    if (hit.tableMode === 0) {
      const next = lookups[hit.value - 1];
      if (!next) throw new FewbeatError(`Huffman code switches to table ${hit.value}, which does not exist`, where);
      table = next;
      longest = longests[hit.value - 1]!;
      bit += hit.totalBits;
      continue;
    }
    const extra = hit.totalBits - hit.prefixBits;
    let v = 0;
    for (let k = 0; k < extra; k++) v = (v << 1) | bitAt(bit + hit.prefixBits + k);
    if (extra > 0 && v >= 2 ** (extra - 1)) v -= 2 ** extra;
    out[n++] = v + hit.value;
    bit += hit.totalBits;
  }
  return n;
}
