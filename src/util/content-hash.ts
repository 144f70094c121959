import { createHash } from 'node:crypto';
import { FewbeatError } from '../errors.js';

/**
 * Self-hashed JSON files: a file carries `sha256`, the SHA-256 (hex) of its own canonical JSON
 * without that field, so a flipped byte that still leaves valid JSON (a threshold digit, a lead name)
 * is caught on load, and so is a file cut short after the hash.
 *
 *     canonical(v) = JSON of v with object keys sorted (recursively), no spaces, `undefined` fields left out
 *     sha256       = hex(SHA-256(UTF-8(canonical(file without "sha256"))))
 *
 * Numbers print as JavaScript's shortest round-trip form, so the hash survives a parse and re-serialise.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : canonicalJson(v))).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

/** SHA-256 (hex) of bytes or of a string's UTF-8. */
export function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/** The content hash of a JSON object: SHA-256 of its canonical JSON without its own `sha256` field. */
export function contentHash(value: Record<string, unknown>): string {
  const { sha256: _ignored, ...rest } = value;
  return sha256Hex(canonicalJson(rest));
}

/** `value` with its content hash as the field `sha256` (last, after every other field). */
export function withContentHash<T extends Record<string, unknown>>(value: T): T & { sha256: string } {
  const { sha256: _ignored, ...rest } = value;
  return { ...(rest as T), sha256: contentHash(rest) };
}

/**
 * Check the `sha256` field of a parsed JSON file against its content. `what` names the file kind in
 * the message and `remedy` says what to do (e.g. "train the model again").
 */
export function checkContentHash(value: unknown, file: string, remedy: string): void {
  const recorded = (value as { sha256?: unknown } | null)?.sha256;
  if (typeof recorded !== 'string' || !/^[0-9a-f]{64}$/.test(recorded))
    throw new FewbeatError(`has no content hash (sha256): ${remedy}`, { file });
  if (contentHash(value as Record<string, unknown>) !== recorded)
    throw new FewbeatError(`content does not match its SHA-256: the file was changed or is corrupt; ${remedy}`, {
      file,
    });
}
