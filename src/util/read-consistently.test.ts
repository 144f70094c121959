import { describe, expect, it } from 'vitest';
import { readConsistently } from './read-consistently.js';

/** A store whose version a writer bumps during the next `bumps` reads. */
function store(bumps: number) {
  let version = 1;
  let reads = 0;
  return {
    version: () => ({ version }),
    read: (v: { version: number }, fail = false): string => {
      reads++;
      const seen = v.version;
      if (bumps > 0) {
        bumps--;
        version++;
        if (fail) throw new Error(`file of version ${seen} removed`);
      }
      return `data of version ${seen}`;
    },
    reads: () => reads,
  };
}

describe('readConsistently', () => {
  it('reads once when nothing changes meanwhile', () => {
    const s = store(0);
    expect(readConsistently(s.version, (v) => s.read(v))).toBe('data of version 1');
    expect(s.reads()).toBe(1);
  });

  it('reads again with the new version when the version changed during the read', () => {
    const s = store(1);
    expect(readConsistently(s.version, (v) => s.read(v))).toBe('data of version 2');
    expect(s.reads()).toBe(2);
  });

  it('reads again when the read failed because the version changed under it', () => {
    const s = store(1);
    expect(readConsistently(s.version, (v) => s.read(v, true))).toBe('data of version 2');
  });

  it('passes on a failure when the version did not change', () => {
    expect(() =>
      readConsistently(
        () => 1,
        () => {
          throw new Error('corrupt');
        },
      ),
    ).toThrow('corrupt');
  });
});
