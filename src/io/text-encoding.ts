import { FewbeatError } from '../errors.js';

/**
 * Why `bytes` cannot be a text file fewbeat reads (WFDB header, CSV, manifest), or null when it
 * can: a UTF-16 or UTF-32 byte-order mark (FF FE, FE FF), or a NUL byte anywhere (UTF-16 text
 * without a mark, or binary data). Such files otherwise parse into fields full of NULs and fail
 * with a confusing message far from the cause.
 */
export function notTextReason(bytes: Uint8Array): string | null {
  if (bytes.length >= 2 && ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)))
    return 'is UTF-16 or UTF-32 text (byte-order mark); save it as UTF-8';
  const nul = bytes.indexOf(0);
  if (nul >= 0) return `has a NUL byte at byte ${nul}: binary data or UTF-16 text, not UTF-8 text`;
  return null;
}

/** Throw a FewbeatError naming `file` when `bytes` is not text (see {@link notTextReason}). */
export function assertText(bytes: Uint8Array, file: string): void {
  const reason = notTextReason(bytes);
  if (reason !== null) throw new FewbeatError(reason, { file });
}
