import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { REPO_ROOT } from './real-data.js';

/** Test helper: where the hospital-format sample files are. Not part of the build. */
export const FIXTURE_CLINICAL = join(REPO_ROOT, 'test/fixtures/clinical-formats');
/** The full sample set beside the checkout (includes the GPL-3.0 GE MUSE files, never copied into the repository). */
export const SHARED_CLINICAL = resolve(REPO_ROOT, '../shared/data/clinical-formats');

/**
 * Absolute path of `rel` (relative to `clinical-formats/`, e.g. `hl7-aecg/fda-minimum_aecg.xml`): the
 * repository's fixture copy when it holds the file, else the shared set when present, else `null`.
 */
export function clinicalPath(rel: string): string | null {
  const inRepo = join(FIXTURE_CLINICAL, rel);
  if (existsSync(inRepo)) return inRepo;
  const shared = join(SHARED_CLINICAL, rel);
  return existsSync(shared) ? shared : null;
}

/** The bytes of a sample file (which must exist: check `clinicalPath` first). */
export function clinicalBytes(rel: string): Uint8Array {
  const p = clinicalPath(rel);
  if (p === null) throw new Error(`sample file ${rel} is absent`);
  return new Uint8Array(readFileSync(p));
}
