import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeFileAtomic } from './atomic-write.js';

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
