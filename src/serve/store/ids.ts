import { randomBytes } from 'node:crypto';

/** A new opaque id with a readable prefix, e.g. `case_4k9w2m7q1x0d3f8h`: 80 random bits in base 32. */
export function newId(prefix: string): string {
  const alphabet = '0123456789abcdefghjkmnpqrstvwxyz';
  const bytes = randomBytes(16);
  let out = '';
  for (let i = 0; i < 16; i++) out += alphabet[(bytes[i] as number) % 32];
  return `${prefix}_${out}`;
}

/** Now, as the ISO 8601 UTC text the database stores. */
export const nowIso = (): string => new Date().toISOString();
