import { copyFileAtomic } from '../../util/atomic-write.js';
import { readdirSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import type { ClinicalSchema } from '../../clinical/schema.js';
import { FewbeatError } from '../../errors.js';
import type { CohortRowInput } from '../manifest/cohort.js';
import { writeCohort } from '../manifest/write-cohort.js';

/** A manifest row produced by an adapter: like `CohortRowInput`, with the record's absolute path. */
export type ImportedRow = Omit<CohortRowInput, 'record'> & { recordPath: string };

/** What an adapter returns: the rows, their clinical schema and what the user should know. */
export interface ImportedCohort {
  format: string;
  /** The dataset folder the records live in. */
  src: string;
  schema: ClinicalSchema;
  rows: ImportedRow[];
  /** Human-readable notes: skipped records, dropped windows, known biases. */
  warnings: string[];
}

/** Options every adapter accepts. */
export interface CommonImportOptions {
  /** Keep only patients younger than this many years (rows of unknown age are dropped too). */
  maxAge?: number | undefined;
}

/** Keep rows younger than `maxAge` years, noting how many were dropped and why. */
export function applyMaxAge(cohort: ImportedCohort, maxAge: number | undefined): ImportedCohort {
  if (maxAge === undefined) return cohort;
  const kept = cohort.rows.filter((r) => r.ageYears !== null && r.ageYears < maxAge);
  const unknown = cohort.rows.filter((r) => r.ageYears === null).length;
  const older = cohort.rows.length - kept.length - unknown;
  return {
    ...cohort,
    rows: kept,
    warnings: [
      ...cohort.warnings,
      `--max-age ${maxAge}: kept ${kept.length} rows younger than ` +
        `${maxAge} y, dropped ${older} older and ${unknown} of unknown age`,
    ],
  };
}

/** The files that make up a record: `<name>` itself or `<name>.<ext>` beside it (.hea, .dat, .mat, .atr, ...). */
function recordFiles(recordPath: string): string[] {
  const dir = dirname(recordPath);
  const name = basename(recordPath);
  return readdirSync(dir)
    .filter((f) => f === name || f.startsWith(`${name}.`))
    .map((f) => join(dir, f));
}

/**
 * Write an imported cohort into `out` as `manifest.csv` + `clinical-schema.json`. Records stay
 * where they are and the manifest points at them by relative path; with `copy`, every file of
 * each record is copied to `out/records/<path relative to src>` first.
 */
export function writeImportedCohort(
  out: string,
  cohort: ImportedCohort,
  opts: { copy?: boolean } = {},
): { rows: number; copiedFiles: number } {
  const outDir = resolve(out);
  const srcDir = resolve(cohort.src);
  let copiedFiles = 0;
  const target = new Map<string, string>();
  if (opts.copy) {
    for (const recordPath of new Set(cohort.rows.map((r) => r.recordPath))) {
      const rel = relative(srcDir, recordPath);
      if (rel.startsWith('..') || isAbsolute(rel))
        throw new FewbeatError(`record ${recordPath} lies outside the dataset folder`, { file: srcDir });
      const dest = join(outDir, 'records', rel);
      for (const f of recordFiles(recordPath)) {
        copyFileAtomic(f, join(dirname(dest), basename(f)));
        copiedFiles++;
      }
      target.set(recordPath, dest);
    }
  }
  const rows: CohortRowInput[] = cohort.rows.map(({ recordPath, ...rest }) => ({
    ...rest,
    record: relative(outDir, target.get(recordPath) ?? recordPath)
      .split(sep)
      .join('/'),
  }));
  writeCohort(outDir, cohort.schema, rows);
  return { rows: rows.length, copiedFiles };
}
