import {
  closeSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import { threadId } from 'node:worker_threads';
import { FewbeatError } from '../errors.js';

let sequence = 0;

/**
 * Write a file atomically: the data goes to a temporary file in the same folder, is flushed to
 * disk, and is then renamed over the target. A reader (or a run killed half-way) sees either the
 * old file or the new one, never a torn write. Used for models, checkpoints, banks and reports.
 * The temporary file is removed when any step fails (e.g. `path` is a directory), and its name is
 * unique per process, thread and call, so concurrent writers never share one.
 */
export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  try {
    mkdirSync(dirname(path), { recursive: true });
  } catch (e) {
    throw writeError(e, path);
  }
  const tmp = `${path}.${process.pid}.${threadId}.${sequence++}.tmp`;
  try {
    const fd = openSync(tmp, 'w');
    try {
      const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
      let off = 0;
      while (off < bytes.length) off += writeSync(fd, bytes, off, bytes.length - off);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw writeError(e, path);
  }
}

/** `<name>.<pid>.<thread>.<sequence>.tmp`, the temporary files {@link writeFileAtomic} names. */
const TEMPORARY = /\.(\d+)\.\d+\.\d+\.tmp$/;

/**
 * Remove from folder `dir` the temporary files that {@link writeFileAtomic} calls of processes no
 * longer running left behind (a run killed between creating its temporary file and renaming it).
 * Files of live processes, this one included, are kept: they may be writes in progress.
 */
export function removeOrphanedTemporaries(dir: string): void {
  for (const file of readdirSync(dir)) {
    const pid = TEMPORARY.exec(file)?.[1];
    if (pid !== undefined && !isRunning(Number(pid))) rmSync(join(dir, file), { force: true });
  }
}

/** Whether process `pid` exists (signal 0 checks without sending; EPERM means it exists under another user). */
export function isRunning(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Create folder `path` (and its parents) for output; a failure is one FewbeatError line naming it. */
export function makeDirectory(path: string): void {
  try {
    mkdirSync(path, { recursive: true });
  } catch (e) {
    throw writeError(e, path);
  }
}

/** Copy file `from` to `to` with {@link writeFileAtomic}: `to` is either absent, its old self, or a whole copy. */
export function copyFileAtomic(from: string, to: string): void {
  let bytes: Buffer;
  try {
    bytes = readFileSync(from);
  } catch (e) {
    throw new FewbeatError(`cannot read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, {
      file: from,
      cause: e,
    });
  }
  writeFileAtomic(to, bytes);
}

/** What a user can act on for the filesystem errors a write meets (anything else keeps its own message). */
const WRITE_FAILURES: Record<string, string> = {
  ENOSPC: 'no space left on the device',
  EDQUOT: 'disk quota exceeded',
  EROFS: 'the file system is read-only',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EISDIR: 'a folder of that name is in the way',
  ENOTDIR: 'a file is in the way of its folder',
  // Node's recursive mkdir reports a read-only parent as ENOENT.
  ENOENT: 'its folder does not exist and cannot be created (read-only file system?)',
};

/**
 * A failed write as one FewbeatError line naming the file, e.g.
 * `out/model/config.json: cannot write: no space left on the device (ENOSPC); nothing was changed`.
 * The target is untouched: the data went to a temporary file, which is removed.
 */
function writeError(e: unknown, path: string): Error {
  const code = (e as NodeJS.ErrnoException).code;
  if (typeof code !== 'string') return e as Error;
  const reason = WRITE_FAILURES[code] ?? (e as Error).message;
  return new FewbeatError(`cannot write: ${reason} (${code}); the file was left as it was`, { file: path, cause: e });
}
