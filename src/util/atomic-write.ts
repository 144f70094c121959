import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { threadId } from 'node:worker_threads';

let sequence = 0;

/**
 * Write a file atomically: the data goes to a temporary file in the same folder, is flushed to
 * disk, and is then renamed over the target. A reader (or a run killed half-way) sees either the
 * old file or the new one, never a torn write. Used for models, checkpoints, banks and reports.
 * The temporary file is removed when any step fails (e.g. `path` is a directory), and its name is
 * unique per process, thread and call, so concurrent writers never share one.
 */
export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  mkdirSync(dirname(path), { recursive: true });
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
    throw e;
  }
}
