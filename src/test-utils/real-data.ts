import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Test helper: where the real PhysioNet reference recordings are. Not part of the build. */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
/** The subset copied into the repository (always present). */
export const FIXTURE_REAL = join(REPO_ROOT, 'test/fixtures/real');
/** The full reference set beside the checkout (present on developer machines and in CI). */
export const SHARED_REAL = resolve(REPO_ROOT, '../shared/data/real');
export const hasSharedReal = existsSync(join(SHARED_REAL, 'expected.json'));

/**
 * Absolute path of `rel` (relative to `data/real/`, e.g. `mitdb/200.hea`): the repository's fixture
 * copy when it holds the file, else the shared set when present, else `null`.
 */
export function realPath(rel: string): string | null {
  const inRepo = join(FIXTURE_REAL, rel);
  if (existsSync(inRepo)) return inRepo;
  const shared = join(SHARED_REAL, rel);
  return existsSync(shared) ? shared : null;
}
