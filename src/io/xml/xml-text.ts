import { FewbeatError } from '../../errors.js';

/**
 * Bytes of an XML file -> its text, in the encoding the file declares (XML 1.0 §4.3.3 and Appendix F):
 * a byte-order mark wins (UTF-8 `EF BB BF`, UTF-16LE `FF FE`, UTF-16BE `FE FF`); without one, `3C 00` / `00 3C`
 * means UTF-16 without a mark, else the `encoding="..."` of the XML declaration (UTF-8 when absent).
 * UTF-8 is decoded strictly (a bad byte sequence is an error, not U+FFFD); ISO-8859-1, US-ASCII and windows-1252
 * are read as windows-1252, the superset browsers use for all three.
 */
export function decodeXmlText(bytes: Uint8Array, file: string): string {
  const b0 = bytes[0];
  const b1 = bytes[1];
  if (b0 === 0xef && b1 === 0xbb && bytes[2] === 0xbf) return decode('utf-8', bytes.subarray(3), file);
  if (b0 === 0xff && b1 === 0xfe) return decode('utf-16le', bytes.subarray(2), file);
  if (b0 === 0xfe && b1 === 0xff) return decode('utf-16be', bytes.subarray(2), file);
  if (b0 === 0x3c && b1 === 0x00) return decode('utf-16le', bytes, file);
  if (b0 === 0x00 && b1 === 0x3c) return decode('utf-16be', bytes, file);
  const head = new TextDecoder('latin1').decode(bytes.subarray(0, 256));
  const declared = /^\s*<\?xml[^>]*?\bencoding\s*=\s*["']([A-Za-z0-9._-]+)["']/.exec(head)?.[1]?.toLowerCase();
  if (declared === undefined || declared === 'utf-8' || declared === 'utf8') return decode('utf-8', bytes, file);
  if (['iso-8859-1', 'latin1', 'latin-1', 'us-ascii', 'ascii', 'windows-1252', 'cp1252'].includes(declared)) {
    return decode('windows-1252', bytes, file);
  }
  if (declared === 'utf-16') {
    throw new FewbeatError('declares UTF-16 but has no byte-order mark and does not start with "<"', { file });
  }
  throw new FewbeatError(`unsupported character encoding "${declared}" (supported: UTF-8, UTF-16, ISO-8859-1)`, {
    file,
  });
}

function decode(encoding: string, bytes: Uint8Array, file: string): string {
  if ((encoding === 'utf-16le' || encoding === 'utf-16be') && bytes.length % 2 !== 0) {
    throw new FewbeatError(`truncated: UTF-16 text with an odd number of bytes (${bytes.length})`, { file });
  }
  try {
    return new TextDecoder(encoding, { fatal: true }).decode(bytes);
  } catch {
    throw new FewbeatError(`not valid ${encoding.toUpperCase()} text`, { file });
  }
}

/**
 * True when the bytes look like the start of an XML document: after an optional byte-order mark and
 * whitespace, `<` in UTF-8 or UTF-16 (either byte order, with or without a mark). For content sniffing: reads
 * at most 1 KiB.
 */
export function looksLikeXml(bytes: Uint8Array): boolean {
  const head = bytes.subarray(0, 1024);
  let text: string;
  if (head[0] === 0xff && head[1] === 0xfe)
    text = new TextDecoder('utf-16le').decode(head.subarray(2, head.length & ~1));
  else if (head[0] === 0xfe && head[1] === 0xff)
    text = new TextDecoder('utf-16be').decode(head.subarray(2, head.length & ~1));
  else if (head[0] === 0x3c && head[1] === 0x00) return true;
  else if (head[0] === 0x00 && head[1] === 0x3c) return true;
  else
    text = new TextDecoder('latin1').decode(
      head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf ? head.subarray(3) : head,
    );
  return /^[ \t\r\n]*</.test(text);
}
