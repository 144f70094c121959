import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { FewbeatError } from '../../errors.js';

/**
 * The content-addressed file store of uploaded ECG files: `<root>/<aa>/<bb>/<sha256>`, each file
 * named by the SHA-256 of its bytes, written once (temp file + rename, so a reader never sees half a
 * file) and never changed. The same file uploaded twice is stored once.
 *
 * Why a folder rather than database blobs: ECG files are write-once and read whole by the signal
 * readers, which open paths; a folder keeps the database small and fast to back up and migrate, is
 * the same on SQLite and PostgreSQL, and can be a shared volume for several servers. The database
 * (`blobs` table) records which hashes exist; cases reference them by hash.
 */
export class BlobStore {
  constructor(readonly root: string) {
    mkdirSync(root, { recursive: true });
  }

  pathOf(sha256: string): string {
    if (!/^[0-9a-f]{64}$/.test(sha256)) throw new FewbeatError(`not a SHA-256: ${sha256}`);
    return join(this.root, sha256.slice(0, 2), sha256.slice(2, 4), sha256);
  }

  has(sha256: string): boolean {
    return existsSync(this.pathOf(sha256));
  }

  /**
   * Move a finished temporary file into the store under its hash. Returns true when the store did not
   * have it (the caller may remove it again if the rest of the upload fails), false when it did.
   */
  adopt(tempFile: string, sha256: string): boolean {
    const target = this.pathOf(sha256);
    if (existsSync(target)) {
      rmSync(tempFile, { force: true });
      return false;
    }
    mkdirSync(join(this.root, sha256.slice(0, 2), sha256.slice(2, 4)), { recursive: true });
    renameSync(tempFile, target);
    return true;
  }

  remove(sha256: string): void {
    rmSync(this.pathOf(sha256), { force: true });
  }

  /** Hashes of the stored files last written more than `olderThanMs` ago (files not named by a hash are skipped). */
  storedBefore(olderThanMs: number, now = Date.now()): string[] {
    const hashes: string[] = [];
    const dirs = (dir: string): string[] =>
      existsSync(dir) ? readdirSync(dir).filter((n) => /^[0-9a-f]{2}$/.test(n)) : [];
    for (const a of dirs(this.root))
      for (const b of dirs(join(this.root, a)))
        for (const name of readdirSync(join(this.root, a, b)))
          if (/^[0-9a-f]{64}$/.test(name) && now - statSync(join(this.root, a, b, name)).mtimeMs > olderThanMs)
            hashes.push(name);
    return hashes;
  }
}

/** SHA-256 of a record made of several files: over the sorted `name NUL sha256 LF` lines. */
export function recordSha256(files: ReadonlyArray<{ name: string; sha256: string }>): string {
  const h = createHash('sha256');
  for (const f of [...files].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)))
    h.update(`${f.name}\0${f.sha256}\n`);
  return h.digest('hex');
}
