import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import type { ClinicalContext } from '../clinical/schema.js';
import { checkEcgSamplingRate } from '../data/preprocess.js';
import { FewbeatError } from '../errors.js';
import type { Ecg } from '../io/ecg.js';
import { MANIFEST_FILE, readCohort, resolveRecord, type CohortWindow } from '../io/manifest/index.js';

/**
 * One unit of indexing work: a recording (or a manifest row's window of one) with what is known of
 * the child. Units come from a cohort manifest (labels and clinical context known) or from walking
 * an archive folder (nothing known).
 */
export interface ArchiveUnit {
  /** Absolute record path as `loadEcg` takes it (WFDB without extension). */
  recordPath: string;
  /** The manifest row's window; null = the whole recording (cut into windows when long). */
  window: CohortWindow | null;
  patientId: string | null;
  labels: string[];
  ageYears: number | null;
  sex: 'M' | 'F' | null;
  clinical: ClinicalContext;
  /** Whether the unit comes with a clinical context (a manifest row). */
  context: boolean;
}

/** Extensions of files that are recordings by themselves (WFDB records are found by their `.hea`). */
const DIRECT = /\.(edf|bdf|csv)$/i;

/**
 * The units of an archive: the rows of its cohort manifest when `path` is a cohort folder or its
 * `manifest.csv`, else every recording under the folder (WFDB `.hea`, EDF/BDF, CSV; other CSV files
 * such as a manifest are skipped later as unreadable), in path order. `exclude` (the index folder)
 * is never walked.
 */
export function listArchiveUnits(
  path: string,
  exclude: string | null = null,
): { units: ArchiveUnit[]; kind: 'manifest' | 'folder' } {
  const abs = resolve(path);
  if (!existsSync(abs)) throw new FewbeatError('no such archive folder or manifest', { file: path });
  const isManifest = statSync(abs).isFile() ? basename(abs) === MANIFEST_FILE : existsSync(join(abs, MANIFEST_FILE));
  if (isManifest) {
    const cohort = readCohort(abs);
    return {
      kind: 'manifest',
      units: cohort.rows.map((r) => ({
        recordPath: r.recordPath,
        window: r.window,
        patientId: r.patientId,
        labels: r.labels,
        ageYears: r.ageYears,
        sex: r.sex,
        clinical: r.clinical,
        context: true,
      })),
    };
  }
  if (!statSync(abs).isDirectory())
    throw new FewbeatError('expected an archive folder or a cohort manifest.csv', { file: path });
  const skip = exclude === null ? null : resolve(exclude);
  const records: string[] = [];
  const walk = (dir: string): void => {
    if (dir === skip) return;
    for (const name of readdirSync(dir).sort()) {
      const full = join(dir, name);
      const st = statSync(full, { throwIfNoEntry: false });
      if (!st) continue;
      if (st.isDirectory()) walk(full);
      else if (/\.hea$/i.test(name)) records.push(full.slice(0, -4));
      else if (DIRECT.test(name)) records.push(full);
    }
  };
  walk(abs);
  return {
    kind: 'folder',
    units: records.map((recordPath) => ({
      recordPath,
      window: null,
      patientId: null,
      labels: [],
      ageYears: null,
      sex: null,
      clinical: {},
      context: false,
    })),
  };
}

/**
 * Folder listings grouped by stem (a file name up to its last dot), read once per folder: a flat
 * archive folder of n records is then listed once, not once per record (n² names read).
 */
export class FolderListings {
  private readonly byFolder = new Map<string, Map<string, string[]>>();

  /** The names `<stem>.<ext>` (ext without a dot) in `dir`, sorted. */
  filesOf(dir: string, stem: string): string[] {
    let stems = this.byFolder.get(dir);
    if (!stems) {
      stems = new Map();
      for (const name of readdirSync(dir).sort()) {
        const dot = name.lastIndexOf('.');
        if (dot <= 0) continue;
        const key = name.slice(0, dot);
        const list = stems.get(key);
        if (list) list.push(name);
        else stems.set(key, [name]);
      }
      this.byFolder.set(dir, stems);
    }
    return stems.get(stem) ?? [];
  }
}

/**
 * The files a record is made of: for WFDB, every file of its folder named `<record>.<ext>`
 * (header, signal files, annotations); otherwise the file itself, of a known format or not. Sorted.
 * `listings` reuses folder listings across records (a run over one archive).
 */
export function recordFiles(recordPath: string, listings: FolderListings = new FolderListings()): string[] {
  const found = resolveRecord(recordPath);
  if (found === null) {
    // A file of no known format is still identified by its bytes, so that an unreadable file is not read again.
    if (existsSync(recordPath) && statSync(recordPath).isFile()) return [recordPath];
    throw new FewbeatError('record not found', { file: recordPath });
  }
  if (found.format !== 'wfdb') return [found.file];
  const dir = dirname(found.file);
  return listings
    .filesOf(dir, basename(found.file))
    .map((f) => join(dir, f))
    .filter((f) => statSync(f, { throwIfNoEntry: false })?.isFile() === true);
}

/**
 * SHA-256 of a record's content: the hash of its files' names (without folder) and bytes, in name
 * order, so the same record copied elsewhere has the same hash and a changed byte a new one.
 */
export function recordSha256(recordPath: string, listings?: FolderListings): string {
  const h = createHash('sha256');
  for (const file of recordFiles(recordPath, listings)) {
    const bytes = readFileSync(file);
    h.update(`${basename(file)}\0${bytes.length}\0`);
    h.update(bytes);
  }
  return h.digest('hex');
}

/** The identity of a unit: its content hash, with the manifest window when it has one. */
export function unitKey(sha256: string, window: CohortWindow | null): string {
  return window === null ? sha256 : `${sha256}@${window.startS}-${window.endS}`;
}

/**
 * The windows a recording is embedded as: non-overlapping `seconds`-long windows from its start;
 * a recording shorter than 1.5 windows is one window (the whole recording, as `enroll` and
 * `predict` see it); a trailing part shorter than a window is left out.
 */
export function recordingWindows(ecg: Ecg, seconds: number): Array<{ window: CohortWindow | null; ecg: Ecg }> {
  // A rate of a sample a minute would make windows of no sample, and the loop below endless.
  checkEcgSamplingRate(ecg.fs, ecg.source ?? 'recording');
  const n = ecg.signals[0]?.length ?? 0;
  const perWindow = Math.round(seconds * ecg.fs);
  if (n < 1.5 * perWindow) return [{ window: null, ecg }];
  const out: Array<{ window: CohortWindow; ecg: Ecg }> = [];
  for (let k = 0; (k + 1) * perWindow <= n; k++) {
    const from = k * perWindow;
    out.push({
      window: { startS: from / ecg.fs, endS: (from + perWindow) / ecg.fs },
      ecg: { ...ecg, signals: ecg.signals.map((s) => s.subarray(from, from + perWindow)) },
    });
  }
  return out;
}
