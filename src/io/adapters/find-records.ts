import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { FewbeatError } from '../../errors.js';

/**
 * Every file under `dir` (recursively, symlinked folders not followed) whose name ends in `.ext`,
 * as absolute paths without that extension, sorted by path so that imports are reproducible.
 */
export function findRecords(dir: string, ext = 'hea'): string[] {
  if (!existsSync(dir) || !statSync(dir).isDirectory())
    throw new FewbeatError('dataset folder not found', { file: dir });
  const found: string[] = [];
  const walk = (d: string): void => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, entry.name);
      if (entry.isDirectory()) walk(p);
      else if (entry.isFile() && entry.name.endsWith(`.${ext}`)) found.push(p.slice(0, -(ext.length + 1)));
    }
  };
  walk(dir);
  return found.sort();
}

/** Split a list cell on `;`, `,` or `|` into trimmed non-empty items. */
export function splitCodes(cell: string | undefined): string[] {
  return (cell ?? '')
    .split(/[;,|]/)
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}
