/** Dataset adapters: each turns a standard layout into an `ImportedCohort` (see docs/data-formats.md). */
import { importChallenge } from './challenge.js';
import { type FolderImportOptions, importFolder } from './folder.js';
import type { ImportedCohort } from './imported-cohort.js';
import { importLudb } from './ludb.js';
import { importMitdb, type MitdbImportOptions } from './mitdb.js';
import { importPtbxl, type PtbxlImportOptions } from './ptbxl.js';
import { importWfdbDir, type WfdbDirImportOptions } from './wfdb-dir.js';
import { importZzu } from './zzu.js';

export const IMPORT_FORMATS = ['ptbxl', 'challenge', 'zzu', 'mitdb', 'ludb', 'wfdb-dir', 'folder'] as const;
export type ImportFormat = (typeof IMPORT_FORMATS)[number];

/** Every adapter's options; each reads the ones it knows. */
export type ImportOptions = MitdbImportOptions & PtbxlImportOptions & WfdbDirImportOptions & FolderImportOptions;

export function importDataset(format: ImportFormat, src: string, opts: ImportOptions = {}): ImportedCohort {
  switch (format) {
    case 'ptbxl':
      return importPtbxl(src, opts);
    case 'challenge':
      return importChallenge(src, opts);
    case 'zzu':
      return importZzu(src, opts);
    case 'mitdb':
      return importMitdb(src, opts);
    case 'ludb':
      return importLudb(src, opts);
    case 'wfdb-dir':
      return importWfdbDir(src, opts);
    case 'folder':
      return importFolder(src, opts);
  }
}
