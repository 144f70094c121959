import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { ClinicalField } from '../../clinical/schema.js';
import { FewbeatError, isFewbeatError } from '../../errors.js';
import { loadEcg } from '../load-ecg.js';
import { resolveRecord } from '../manifest/record-format.js';
import { applyMaxAge, type CommonImportOptions, type ImportedCohort, type ImportedRow } from './imported-cohort.js';

/**
 * A folder of mixed-format exports (WFDB, EDF/BDF, CSV, DICOM waveform, SCP-ECG, XML), one recording per file
 * (WFDB: per `.hea`), the format of each found from its content. Every recording becomes a manifest row with the
 * file's own age and sex, its format (`source_format`, categorical) and the device's interpretive statements
 * (`device_statements`, multi-label over the statements seen; `;` inside a statement becomes `,`). The patient id is
 * the file name. Files that cannot be read are listed in the warnings with their reason and skipped.
 */
export interface FolderImportOptions extends CommonImportOptions {
  /** Class ids (or `source:` labels) given to every row; default `source:unlabelled`. */
  label?: string[] | undefined;
}

export function importFolder(src: string, opts: FolderImportOptions = {}): ImportedCohort {
  const files = listFiles(src);
  const headers = new Set(files.filter((f) => /\.hea$/i.test(f)).map((f) => f.slice(0, -4)));
  const rows: ImportedRow[] = [];
  const warnings: string[] = [];
  const statementsSeen = new Set<string>();
  const formatsSeen = new Set<string>();
  const labels = opts.label && opts.label.length > 0 ? opts.label : ['source:unlabelled'];
  for (const file of files) {
    const dot = file.lastIndexOf('.');
    const stem = dot > file.lastIndexOf('/') ? file.slice(0, dot) : file;
    if (headers.has(stem) && !/\.hea$/i.test(file)) continue; // a WFDB record's data or annotation file
    const rel = relative(src, file);
    try {
      const found = resolveRecord(file);
      if (found === null) throw new FewbeatError('not a recognised ECG file', { file });
      const ecg = loadEcg(found.file);
      const meta = ecg.meta ?? {};
      const statements = (meta.statements ?? []).map((s) => s.replace(/;/g, ',').trim()).filter((s) => s !== '');
      statements.forEach((s) => statementsSeen.add(s));
      formatsSeen.add(found.format);
      const age = meta.ageYears !== undefined && meta.ageYears >= 0 && meta.ageYears <= 120 ? meta.ageYears : null;
      rows.push({
        recordPath: found.file,
        patientId: relative(src, found.file),
        labels,
        ageYears: age === null ? null : Math.round(age * 1000) / 1000,
        sex: meta.sex ?? null,
        split: null,
        window: null,
        clinical: { source_format: found.format, device_statements: [...new Set(statements)] },
      });
    } catch (e) {
      if (!isFewbeatError(e)) throw e;
      warnings.push(`skipped ${rel}: ${e.reason}`);
    }
  }
  if (rows.length === 0)
    throw new FewbeatError(
      `no readable recording among ${files.length} files${warnings.length ? ` (${warnings[0]})` : ''}`,
      {
        file: src,
      },
    );
  const fields: ClinicalField[] = [{ name: 'source_format', type: 'categorical', categories: [...formatsSeen].sort() }];
  if (statementsSeen.size > 0)
    fields.push({
      name: 'device_statements',
      type: 'multi-label',
      labels: [...statementsSeen].sort(),
      description: "the recording device's interpretive statements, as written in the file",
    });
  else for (const r of rows) delete r.clinical.device_statements;
  if (!opts.label || opts.label.length === 0)
    warnings.push('every row is labelled source:unlabelled: set the label column (or pass --label) before training');
  return applyMaxAge({ format: 'folder', src, schema: { version: 1, fields }, rows, warnings }, opts.maxAge);
}

/** Every file under `dir`, recursively (hidden files and symlinked folders skipped), sorted by path. */
function listFiles(dir: string): string[] {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch (e) {
    throw new FewbeatError(`cannot read folder (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, {
      file: dir,
    });
  }
  const out: string[] = [];
  for (const entry of entries) {
    if (entry.name.startsWith('.')) continue;
    const p = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...listFiles(p));
    else if (entry.isFile()) out.push(p);
  }
  return out.sort();
}
