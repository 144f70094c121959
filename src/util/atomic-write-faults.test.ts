import * as fs from 'node:fs';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { isFewbeatError } from '../errors.js';

/** The errno a mocked `writeSync` or `renameSync` throws next (null: behave normally). */
const fault: { writeSync: string | null; renameSync: string | null } = { writeSync: null, renameSync: null };
vi.mock('node:fs', async (importOriginal) => {
  const real = await importOriginal<typeof fs>();
  const failing =
    <F extends (...args: never[]) => unknown>(name: keyof typeof fault, f: F) =>
    (...args: Parameters<F>): ReturnType<F> => {
      const code = fault[name];
      if (code !== null) throw Object.assign(new Error(`${code}: injected, ${name}`), { code });
      return f(...args) as ReturnType<F>;
    };
  return {
    ...real,
    writeSync: failing('writeSync', real.writeSync),
    renameSync: failing('renameSync', real.renameSync),
  };
});
const { writeFileAtomic } = await import('./atomic-write.js');

/**
 * writeFileAtomic under injected faults (any platform; src/cli/write-faults.test.ts uses real
 * tmpfs mounts where it may): the error is one FewbeatError line naming the file, the old content
 * stays, and no temporary file is left.
 */
describe('writeFileAtomic when the disk fails', () => {
  it.each([
    ['writeSync', 'ENOSPC', 'no space left on the device'],
    ['writeSync', 'EDQUOT', 'disk quota exceeded'],
    ['renameSync', 'EROFS', 'the file system is read-only'],
    ['writeSync', 'EIO', 'EIO: injected, writeSync'],
  ] as const)('%s failing with %s keeps the old file and says so in one line', (call, code, reason) => {
    const dir = mkdtempSync(join(tmpdir(), 'fewbeat-fault-'));
    const file = join(dir, 'config.json');
    writeFileSync(file, 'old');
    fault[call] = code;
    let error: unknown;
    try {
      writeFileAtomic(file, 'new content');
    } catch (e) {
      error = e;
    } finally {
      fault[call] = null;
    }
    expect(isFewbeatError(error)).toBe(true);
    expect((error as Error).message).toBe(`${file}: cannot write: ${reason} (${code}); the file was left as it was`);
    expect(readFileSync(file, 'utf8')).toBe('old');
    expect(readdirSync(dir)).toEqual(['config.json']);
  });
});
