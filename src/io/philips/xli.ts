import { FewbeatError } from '../../errors.js';
import { lzwDecode } from './lzw.js';

/** Bits per LZW code in XLI chunks. */
const XLI_CODE_BITS = 10;
/** Bytes of the header before each chunk's compressed data. */
const XLI_CHUNK_HEADER = 8;

/**
 * Philips XLI decompression, as the sierra-ecg-tools reference decoder (`pysierraecg` `xli.py`, MIT) does it.
 * The payload is a run of chunks, one per stored lead:
 *
 *     int32 LE  size of the compressed data
 *     int16     (unused)
 *     int16 LE  start value
 *     size bytes of LZW data (10-bit codes, see `lzwDecode`)
 *
 * The LZW output (padded with one zero byte when odd) holds n = len/2 16-bit values stored as all high bytes
 * then all low bytes: d[i] = int16(out[i] << 8 | out[n + i]). The values are second differences:
 *
 *     x[0] = d[0], x[1] = d[1];  x[i] = 2·x[i-1] − x[i-2] − p(i)  for i >= 2,
 *     where p(2) = start and p(i) = d[i-1] − 64 afterwards (the reference's own offset of 64).
 *
 * A value outside int16 is an error (the reference's int16 arrays would reject it too).
 * `maxSamplesPerLead` bounds each chunk's output before it is allocated.
 */
export function xliDecode(data: Uint8Array, maxSamplesPerLead: number, file: string): Int16Array[] {
  const leads: Int16Array[] = [];
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  let offset = 0;
  while (offset < data.length) {
    const location = `XLI chunk ${leads.length + 1} at byte ${offset}`;
    if (offset + XLI_CHUNK_HEADER > data.length) {
      throw new FewbeatError(`truncated XLI data: ${data.length - offset} bytes left, a chunk header needs 8`, {
        file,
        location,
      });
    }
    const size = view.getInt32(offset, true);
    const start = view.getInt16(offset + 6, true);
    offset += XLI_CHUNK_HEADER;
    if (size < 0 || offset + size > data.length) {
      throw new FewbeatError(`truncated XLI data: the chunk declares ${size} bytes, ${data.length - offset} remain`, {
        file,
        location,
      });
    }
    // Each sample is two output bytes; allow the reference's trailing padding string (< 1 KiB).
    const out = lzwDecode(data.subarray(offset, offset + size), XLI_CODE_BITS, 2 * maxSamplesPerLead + 2048, {
      file,
      location,
    });
    offset += size;
    leads.push(undoSecondDifferences(unpackHighLow(out), start, { file, location }));
  }
  return leads;
}

/** d[i] = int16(hi[i] << 8 | lo[i]) where the bytes are all high bytes, then all low bytes (odd length: 0-padded). */
function unpackHighLow(bytes: Uint8Array): Int32Array {
  const n = (bytes.length + 1) >> 1;
  const d = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const lo = n + i < bytes.length ? bytes[n + i]! : 0;
    d[i] = (((bytes[i]! << 8) | lo) << 16) >> 16;
  }
  return d;
}

function undoSecondDifferences(d: Int32Array, start: number, where: { file: string; location: string }): Int16Array {
  const x = new Int16Array(d.length);
  if (d.length === 0) return x;
  x[0] = d[0]!;
  if (d.length === 1) return x;
  x[1] = d[1]!;
  let prev2 = d[0]!;
  let prev1 = d[1]!;
  let last = start;
  for (let i = 2; i < d.length; i++) {
    const z = 2 * prev1 - prev2 - last;
    if (z < -32768 || z > 32767) {
      throw new FewbeatError(`corrupt XLI data: sample ${i} decodes to ${z}, outside 16 bits`, where);
    }
    last = d[i]! - 64;
    x[i] = z;
    prev2 = prev1;
    prev1 = z;
  }
  return x;
}
