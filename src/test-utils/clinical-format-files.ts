import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { REPO_ROOT } from './real-data.js';

/** Test helper: the hospital-format sample files (DICOM, SCP-ECG) copied into the repository, else the shared set. */
export const FIXTURE_CLINICAL = join(REPO_ROOT, 'test/fixtures/clinical-formats');
export const SHARED_CLINICAL = resolve(REPO_ROOT, '../shared/data/clinical-formats');

/** Absolute path of `rel` (e.g. `dicom/waveform_ecg.dcm`): the repository copy, else the shared one, else null. */
export function clinicalPath(rel: string): string | null {
  for (const dir of [FIXTURE_CLINICAL, SHARED_CLINICAL]) {
    const p = join(dir, rel);
    if (existsSync(p)) return p;
  }
  return null;
}

/** The bytes of a sample file (throws when absent: call `clinicalPath` first to skip). */
export function clinicalBytes(rel: string): Uint8Array {
  const p = clinicalPath(rel);
  if (p === null) throw new Error(`sample file ${rel} is absent`);
  return new Uint8Array(readFileSync(p));
}
