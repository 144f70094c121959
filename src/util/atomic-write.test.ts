import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { removeOrphanedTemporaries, writeFileAtomic } from './atomic-write.js';

const scratch = (): string => mkdtempSync(join(tmpdir(), 'fewbeat-atomic-'));

describe('writeFileAtomic', () => {
  it('writes text and bytes, creating missing folders', () => {
    const dir = scratch();
    writeFileAtomic(join(dir, 'a', 'b.txt'), 'héllo');
    writeFileAtomic(join(dir, 'c.bin'), new Uint8Array([1, 2, 3]));
    expect(readFileSync(join(dir, 'a', 'b.txt'), 'utf8')).toBe('héllo');
    expect([...readFileSync(join(dir, 'c.bin'))]).toEqual([1, 2, 3]);
  });

  it('replaces an existing file and leaves no temporary file behind', () => {
    const dir = scratch();
    writeFileSync(join(dir, 'model.json'), 'old');
    writeFileAtomic(join(dir, 'model.json'), 'new');
    expect(readFileSync(join(dir, 'model.json'), 'utf8')).toBe('new');
    expect(readdirSync(dir)).toEqual(['model.json']);
  });

  it('throws and removes its temporary file when the target is a directory', () => {
    const dir = scratch();
    mkdirSync(join(dir, 'taken'));
    expect(() => writeFileAtomic(join(dir, 'taken'), 'x')).toThrow();
    expect(readdirSync(dir)).toEqual(['taken']);
  });
});

describe('removeOrphanedTemporaries', () => {
  it("removes a dead writer's temporary file and keeps this process's, other files and live writers'", () => {
    const dir = scratch();
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']).stdout.toString();
    const files = [
      `config.json.${dead}.0.10.tmp`,
      `config.json.${process.pid}.0.3.tmp`,
      `weights.bin.${process.ppid}.1.0.tmp`,
      'config.json',
      'notes.tmp',
    ];
    for (const f of files) writeFileSync(join(dir, f), 'x');
    removeOrphanedTemporaries(dir);
    expect(readdirSync(dir).sort()).toEqual(files.slice(1).sort());
  });
});
