import { FewbeatError } from '../../errors.js';

/**
 * LZW decoder of Philips XLI chunks, byte-for-byte as the sierra-ecg-tools reference decoder (Watford,
 * `pysierraecg` `lzw.py`, MIT) behaves. Welch, "A technique for high-performance data compression", IEEE
 * Computer 17(6):8, 1984.
 *
 * - Codes are `bits` wide (10 for XLI), read most-significant bit first through a 32-bit buffer that is refilled
 *   a byte at a time while it holds at most 24 bits.
 * - Codes 0-255 are single bytes; a code `c <= 2^bits - 2` not yet in the table is the previous string plus its
 *   own first byte (the KwKwK case); each string after the first adds `previous + first byte of current` at the
 *   next free code while codes remain. The table is never reset.
 * - Decoding stops at the first code above `2^bits - 2` or when fewer than `bits` bits remain. Note the
 *   reference reads the zero padding of the last byte as a code when it has enough bits: that trailing string is
 *   part of the output here too.
 *
 * `maxOutput` bounds the output (hostile input can expand about 100-fold per code): exceeding it is an error.
 */
export function lzwDecode(
  input: Uint8Array,
  bits: number,
  maxOutput: number,
  where: { file: string; location: string },
): Uint8Array {
  const maxCode = (1 << bits) - 2;
  const table: Array<Uint8Array | undefined> = new Array<Uint8Array | undefined>(maxCode + 1);
  for (let c = 0; c < 256 && c <= maxCode; c++) table[c] = Uint8Array.of(c);
  let nextCode = 256;
  let previous: Uint8Array = new Uint8Array(0);
  let out = new Uint8Array(Math.min(maxOutput, Math.max(1024, input.length * 4)));
  let outLength = 0;
  let offset = 0;
  let bitBuffer = 0;
  let bitCount = 0;
  for (;;) {
    // Refill as the reference does: while at most 24 bits are buffered.
    let code = -1;
    let exhausted = false;
    while (bitCount <= 24) {
      if (offset < input.length) {
        bitBuffer = (bitBuffer | (input[offset++]! << (24 - bitCount))) >>> 0;
        bitCount += 8;
      } else if (bitCount < bits) {
        exhausted = true;
        break;
      } else break;
    }
    if (exhausted) break;
    code = (bitBuffer >>> (32 - bits)) & 0xffff;
    bitBuffer = (bitBuffer << bits) >>> 0;
    bitCount -= bits;
    if (code > maxCode) break;
    let data = table[code];
    if (data === undefined) {
      if (previous.length === 0) throw new FewbeatError(`corrupt LZW data: code ${code} before any string`, where);
      data = new Uint8Array(previous.length + 1);
      data.set(previous);
      data[previous.length] = previous[0]!;
      table[code] = data;
    }
    if (previous.length > 0 && nextCode <= maxCode) {
      const entry = new Uint8Array(previous.length + 1);
      entry.set(previous);
      entry[previous.length] = data[0]!;
      table[nextCode++] = entry;
    }
    previous = data;
    if (outLength + data.length > maxOutput) {
      throw new FewbeatError(`LZW data expands beyond the ${maxOutput} bytes the header allows`, where);
    }
    if (outLength + data.length > out.length) {
      const grown = new Uint8Array(Math.min(maxOutput, Math.max(out.length * 2, outLength + data.length)));
      grown.set(out.subarray(0, outLength));
      out = grown;
    }
    out.set(data, outLength);
    outLength += data.length;
  }
  return out.subarray(0, outLength);
}
