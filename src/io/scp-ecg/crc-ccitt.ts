/**
 * CRC-CCITT as SCP-ECG uses it (EN 1064:2005 §5.3.1 / ISO 11073-91064): polynomial x¹⁶ + x¹² + x⁵ + 1 (0x1021),
 * initial value 0xFFFF, bits processed most significant first, no final XOR (the "CCITT-FALSE" variant).
 * The check value of the ASCII string `123456789` is 0x29B1.
 */

const TABLE = (() => {
  const t = new Uint16Array(256);
  for (let i = 0; i < 256; i++) {
    let c = i << 8;
    for (let k = 0; k < 8; k++) c = c & 0x8000 ? ((c << 1) ^ 0x1021) & 0xffff : (c << 1) & 0xffff;
    t[i] = c;
  }
  return t;
})();

/** CRC-CCITT of `bytes[from, to)`. */
export function crcCcitt(bytes: Uint8Array, from = 0, to = bytes.length): number {
  let crc = 0xffff;
  for (let i = from; i < to; i++) crc = ((crc << 8) & 0xffff) ^ TABLE[((crc >> 8) ^ bytes[i]!) & 0xff]!;
  return crc;
}
