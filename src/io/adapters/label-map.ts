import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse as parseCsv } from 'csv-parse/sync';
import { FewbeatError } from '../../errors.js';
import { knownClassIds } from '../manifest/known-classes.js';

/** `data/labelmaps/` (same depth under src/ and dist/); every table there names its source in SOURCES.md. */
export const LABELMAPS_DIR = fileURLToPath(new URL('../../../data/labelmaps/', import.meta.url));

/** Rows of a CSV table in data/labelmaps/ as objects keyed by the header. */
export function readLabelTable(name: string): Array<Record<string, string>> {
  const file = `${LABELMAPS_DIR}${name}`;
  return parseCsv(readFileSync(file, 'utf8'), {
    columns: true,
    skip_empty_lines: true,
    trim: true,
    bom: true,
  }) as Array<Record<string, string>>;
}

/**
 * A label map `data/labelmaps/<name>`: source label (column `keyColumn`, compared as given, or
 * lower-cased with `caseInsensitive`) → fewbeat class id (column `class`, checked against data/classes.json).
 */
export class LabelMap {
  private readonly map = new Map<string, string>();

  constructor(
    readonly name: string,
    keyColumn: string,
    private readonly caseInsensitive = false,
  ) {
    const known = knownClassIds();
    readLabelTable(name).forEach((row, i) => {
      const key = row[keyColumn];
      const cls = row.class;
      if (!key || !cls)
        throw new FewbeatError(`row ${i + 1} lacks '${keyColumn}' or 'class'`, { file: `${LABELMAPS_DIR}${name}` });
      if (!known.has(cls))
        throw new FewbeatError(`row ${i + 1}: '${cls}' is not a class id of data/classes.json`, {
          file: `${LABELMAPS_DIR}${name}`,
        });
      this.map.set(this.norm(key), cls);
    });
  }

  private norm(key: string): string {
    return this.caseInsensitive ? key.trim().toLowerCase() : key.trim();
  }

  /** The class id of a source label, or undefined when the table has none. */
  classOf(source: string): string | undefined {
    return this.map.get(this.norm(source));
  }

  /** The class id, or the source label kept as `<namespace>:<label>`. */
  label(source: string, namespace: string, shown: string = source): string {
    return this.classOf(source) ?? `${namespace}:${shown}`;
  }

  /** Every (source, class) pair, for tests and documentation. */
  entries(): Array<[string, string]> {
    return [...this.map];
  }
}
