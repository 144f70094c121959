import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, extname, join } from 'node:path';
import { FewbeatError } from '../../errors.js';
import type { Ecg } from '../../io/ecg.js';
import { loadEcg } from '../../io/load-ecg.js';

/** One source file of a record: the name it was uploaded under and where its bytes are on disk. */
export interface StoredFile {
  name: string;
  path: string;
}

/** The record an upload's files make, as `loadEcg` opens it: a WFDB base name (`.hea`), or one `.edf`/`.bdf`/`.csv`. */
export function recordEntry(names: readonly string[], what = 'upload'): { format: string; entry: string } {
  const ext = (n: string): string => extname(n).toLowerCase();
  const headers = names.filter((n) => ext(n) === '.hea');
  if (headers.length > 1)
    throw new FewbeatError(
      `holds ${headers.length} WFDB headers (${headers.join(', ')}): upload one record at a time`,
      {
        file: what,
      },
    );
  if (headers.length === 1) {
    const h = headers[0] as string;
    return { format: 'wfdb', entry: h.slice(0, -4) };
  }
  // One-file records: EDF/BDF, CSV, and the hospital exports `loadEcg` reads by content (XML, SCP-ECG, DICOM).
  const direct = names.filter((n) => ['.edf', '.bdf', '.csv', '.xml', '.scp', '.dcm'].includes(ext(n)));
  if (direct.length !== 1)
    throw new FewbeatError(
      direct.length === 0
        ? `no ECG record among ${names.join(', ') || 'no files'} (expected ` +
            `.hea with .dat/.mat, .edf, .bdf, .csv, .xml, .scp or .dcm)`
        : `holds ${direct.length} recordings (${direct.join(', ')}): upload one record at a time`,
      { file: what },
    );
  const only = direct[0] as string;
  const e = ext(only);
  return { format: e === '.bdf' ? 'edf' : e.slice(1), entry: only };
}

/**
 * Load the record made of `files` with the project's `loadEcg`: the files are linked under their
 * uploaded names into a private temporary folder (WFDB headers name their signal files), read, and
 * the folder removed. Names are reduced to their base name, so no upload can point outside it.
 */
export function loadStoredRecord(files: readonly StoredFile[], opts: { fs?: number | undefined } = {}): Ecg {
  const names = files.map((f) => basename(f.name));
  if (new Set(names).size !== names.length) throw new FewbeatError('two files have the same name', { file: 'upload' });
  const { entry } = recordEntry(names);
  const dir = mkdtempSync(join(tmpdir(), 'fewbeat-record-'));
  try {
    files.forEach((f, i) => symlinkSync(f.path, join(dir, names[i] as string)));
    const ecg = loadEcg(join(dir, entry), { fs: opts.fs });
    return { ...ecg, source: entry };
  } catch (e) {
    // The reader names the file it failed on; name it as uploaded, not by the private folder.
    if (e instanceof FewbeatError) throw new FewbeatError(e.message.split(`${dir}/`).join(''));
    throw e;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
