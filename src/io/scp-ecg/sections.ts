import { FewbeatError } from '../../errors.js';
import { crcCcitt } from './crc-ccitt.js';

/**
 * The layout of an SCP-ECG file (EN 1064:2005 §5.2-5.4): a 6-byte record header (CRC-CCITT of the rest of the file,
 * uint16 LE; the file's length, uint32 LE), then sections. Every section starts with a 16-byte header: its CRC-CCITT
 * (of the section from byte 2 to its end), its id (uint16), its length in bytes including the header (uint32), the
 * section and protocol version bytes and 6 reserved bytes. Section 0 follows the record header and holds one
 * 10-byte pointer per section: id (uint16), length (uint32) and 1-based byte index in the file (uint32); a length
 * or index of 0 means the section is absent.
 */

/** One present section: its id and where its body (after the 16-byte header) lies in the file. */
export interface ScpSection {
  id: number;
  /** Byte offset of the section header in the file. */
  start: number;
  /** Byte offset one past the section's end. */
  end: number;
  /** Byte offset of the body (start + 16). */
  body: number;
  version: number;
}

export const SECTION_HEADER_BYTES = 16;
const RECORD_HEADER_BYTES = 6;
/** The smallest valid file: record header, section 0 with the 12 required pointers, section 1 header. */
const MIN_FILE_BYTES = RECORD_HEADER_BYTES + SECTION_HEADER_BYTES + 12 * 10;

export const u16 = (b: Uint8Array, i: number): number => b[i]! | (b[i + 1]! << 8);
export const i16 = (b: Uint8Array, i: number): number => (u16(b, i) << 16) >> 16;
export const u32 = (b: Uint8Array, i: number): number => (u16(b, i) + u16(b, i + 2) * 0x10000) >>> 0;

/**
 * True when the bytes look like an SCP-ECG file: section 0's header follows the record header at byte 6 with id 0
 * and carries the `SCPECG` mark in its reserved bytes (EN 1064 §5.3.2); or, for writers that leave the mark out,
 * the declared length fits the file, section 0 has id 0 and the file CRC matches. A damaged file with the mark is
 * still recognised, so that the reader can say what is wrong with it.
 */
export function looksLikeScpEcg(bytes: Uint8Array): boolean {
  if (bytes.length < RECORD_HEADER_BYTES + SECTION_HEADER_BYTES) return false;
  const marked = String.fromCharCode(...bytes.subarray(RECORD_HEADER_BYTES + 10, RECORD_HEADER_BYTES + 16));
  if (u16(bytes, RECORD_HEADER_BYTES + 2) === 0 && marked === 'SCPECG') return true;
  if (bytes.length < MIN_FILE_BYTES) return false;
  const length = u32(bytes, 2);
  if (length < MIN_FILE_BYTES || length > bytes.length) return false;
  if (u16(bytes, RECORD_HEADER_BYTES + 2) !== 0) return false;
  const len0 = u32(bytes, RECORD_HEADER_BYTES + 4);
  if (len0 < SECTION_HEADER_BYTES + 10 || RECORD_HEADER_BYTES + len0 > length) return false;
  return crcCcitt(bytes, 2, length) === u16(bytes, 0);
}

/**
 * Check the record header and every section's CRC, and return the present sections by id. Throws a FewbeatError
 * naming the section and the reason for a bad CRC, a pointer outside the file, or a section whose header disagrees
 * with its pointer.
 */
export function readSections(bytes: Uint8Array, file: string): Map<number, ScpSection> {
  if (bytes.length < MIN_FILE_BYTES)
    throw new FewbeatError(`SCP-ECG file of ${bytes.length} bytes is shorter than its headers`, { file });
  const length = u32(bytes, 2);
  if (length > bytes.length)
    throw new FewbeatError(`truncated: the header declares ${length} bytes, the file has ${bytes.length}`, {
      file,
      location: 'byte 2',
    });
  if (length < MIN_FILE_BYTES)
    throw new FewbeatError(`declared length ${length} is shorter than the headers`, { file, location: 'byte 2' });
  const crc = crcCcitt(bytes, 2, length);
  if (crc !== u16(bytes, 0))
    throw new FewbeatError(
      `file CRC mismatch (stored 0x${hex(u16(bytes, 0))}, computed 0x${hex(crc)}): the file is corrupt`,
      { file, location: 'byte 0' },
    );
  const s0 = checkSection(bytes, file, length, RECORD_HEADER_BYTES, 0, null);
  const sections = new Map<number, ScpSection>([[0, s0]]);
  for (let p = s0.body; p + 10 <= s0.end; p += 10) {
    const id = u16(bytes, p);
    const len = u32(bytes, p + 2);
    const index = u32(bytes, p + 6);
    if (id === 0 || len === 0 || index === 0) continue;
    const start = index - 1;
    if (start + len > length || len < SECTION_HEADER_BYTES)
      throw new FewbeatError(`section ${id}: pointer (byte ${index}, ${len} bytes) lies outside the file`, {
        file,
        location: `section 0 pointer at byte ${p}`,
      });
    if (sections.has(id)) throw new FewbeatError(`section ${id} listed twice`, { file, location: `byte ${p}` });
    sections.set(id, checkSection(bytes, file, length, start, id, len));
  }
  return sections;
}

function checkSection(
  bytes: Uint8Array,
  file: string,
  fileLength: number,
  start: number,
  id: number,
  pointerLength: number | null,
): ScpSection {
  const location = `section ${id} at byte ${start}`;
  const storedId = u16(bytes, start + 2);
  const len = u32(bytes, start + 4);
  if (storedId !== id)
    throw new FewbeatError(`section header says id ${storedId}, the pointer says ${id}`, { file, location });
  if (len < SECTION_HEADER_BYTES || start + len > fileLength || (pointerLength !== null && len > pointerLength))
    throw new FewbeatError(`section length ${len} does not fit the file`, { file, location });
  const crc = crcCcitt(bytes, start + 2, start + len);
  if (crc !== u16(bytes, start))
    throw new FewbeatError(
      `section CRC mismatch (stored 0x${hex(u16(bytes, start))}, computed 0x${hex(crc)}): the section is corrupt`,
      { file, location },
    );
  return { id, start, end: start + len, body: start + SECTION_HEADER_BYTES, version: bytes[start + 8]! };
}

const hex = (v: number): string => v.toString(16).padStart(4, '0');
