import { crcCcitt } from '../io/scp-ecg/crc-ccitt.js';
import { readSections } from '../io/scp-ecg/sections.js';

/**
 * Test helper: lay out an SCP-ECG file from section bodies (EN 1064 §5.2-5.4): record header, section 0 with one
 * pointer per section id 0-11 (absent ones zero), each section with its 16-byte header, lengths padded to even, and
 * every CRC computed. Used to vary one section of a real file (another Huffman table, reference-beat subtraction).
 */
export function buildScp(bodies: Map<number, Uint8Array>, version = 20): Uint8Array {
  const ids = [...new Set([...Array.from({ length: 12 }, (_, i) => i), ...bodies.keys()])].filter((id) => id !== 0);
  ids.sort((a, b) => a - b);
  const sectionBytes = (body: Uint8Array): number => 16 + body.length + (body.length % 2);
  const s0Len = 16 + 10 * (ids.length + 1);
  let offset = 6 + s0Len;
  const pointers: Array<[number, number, number]> = [[0, s0Len, 7]];
  for (const id of ids) {
    const body = bodies.get(id);
    if (!body) pointers.push([id, 0, 0]);
    else {
      pointers.push([id, sectionBytes(body), offset + 1]);
      offset += sectionBytes(body);
    }
  }
  const out = new Uint8Array(offset);
  const dv = new DataView(out.buffer);
  dv.setUint32(2, offset, true);
  const writeSection = (start: number, id: number, body: Uint8Array, len: number): void => {
    dv.setUint16(start + 2, id, true);
    dv.setUint32(start + 4, len, true);
    out[start + 8] = version;
    out[start + 9] = version;
    out.set(new TextEncoder().encode('SCPECG'), start + 10);
    out.set(body, start + 16);
    dv.setUint16(start, crcCcitt(out, start + 2, start + len), true);
  };
  const s0body = new Uint8Array(10 * pointers.length);
  const pv = new DataView(s0body.buffer);
  pointers.forEach(([id, len, index], i) => {
    pv.setUint16(10 * i, id, true);
    pv.setUint32(10 * i + 2, len, true);
    pv.setUint32(10 * i + 6, index, true);
  });
  for (const [id, len, index] of pointers.slice(1)) if (len > 0) writeSection(index - 1, id, bodies.get(id)!, len);
  writeSection(6, 0, s0body, s0Len);
  dv.setUint16(0, crcCcitt(out, 2, offset), true);
  return out;
}

/** The bodies (bytes after the 16-byte header) of every section of a valid file, by id. */
export function sectionBodies(bytes: Uint8Array): Map<number, Uint8Array> {
  const out = new Map<number, Uint8Array>();
  for (const [id, s] of readSections(bytes, 'input')) if (id !== 0) out.set(id, bytes.slice(s.body, s.end));
  return out;
}
