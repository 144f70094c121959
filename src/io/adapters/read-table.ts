import { existsSync, readFileSync } from 'node:fs';
import { parse as parseCsv } from 'csv-parse/sync';
import { FewbeatError } from '../../errors.js';

/**
 * A dataset's CSV table as objects keyed by its header, with a clear error when absent, malformed or missing columns.
 */
export function readTable(file: string, required: readonly string[] = []): Array<Record<string, string>> {
  if (!existsSync(file)) throw new FewbeatError('file not found', { file });
  let rows: Array<Record<string, string>>;
  try {
    rows = parseCsv(readFileSync(file, 'utf8'), {
      columns: true,
      skip_empty_lines: true,
      trim: true,
      bom: true,
      relax_column_count: false,
    }) as Array<Record<string, string>>;
  } catch (e) {
    throw new FewbeatError(`not valid CSV (${(e as Error).message})`, { file });
  }
  const header = rows[0] ? Object.keys(rows[0]) : [];
  const missing = required.filter((c) => rows.length > 0 && !header.includes(c));
  if (missing.length > 0)
    throw new FewbeatError(`missing column(s) ${missing.join(', ')}`, { file, location: 'line 1' });
  return rows;
}

/** A decimal cell, or null when empty / `nan`. */
export function numberCell(text: string | undefined): number | null {
  const t = (text ?? '').trim();
  if (t === '' || /^nan$/i.test(t)) return null;
  const v = Number(t);
  return Number.isFinite(v) ? v : null;
}
