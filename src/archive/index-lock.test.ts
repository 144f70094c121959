import { existsSync, mkdirSync, mkdtempSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { INDEX_LOCK, withIndexLock } from './index-lock.js';

const fresh = (): string => join(mkdtempSync(join(tmpdir(), 'fewbeat-lock-')), 'index');

describe('withIndexLock: one writer per index', () => {
  it('refuses a second run on the same index in one line naming the folder, while the first holds it', async () => {
    const dir = fresh();
    let second: unknown = null;
    await withIndexLock(dir, async () => {
      second = await withIndexLock(dir, async () => 'written twice', { waitMs: 0 }).catch((e: Error) => e);
    });
    expect(second).toBeInstanceOf(Error);
    const message = (second as Error).message;
    expect(message).toContain(dir);
    expect(message).toMatch(/another fewbeat index run is writing this index/);
    expect(message).not.toContain('\n');
  });

  it('releases the lock when the run ends, also when it fails', async () => {
    const dir = fresh();
    await expect(
      withIndexLock(dir, async () => {
        throw new Error('unreadable archive');
      }),
    ).rejects.toThrow('unreadable archive');
    expect(existsSync(join(dir, INDEX_LOCK))).toBe(false);
    expect(await withIndexLock(dir, async () => 'next run', { waitMs: 0 })).toBe('next run');
  });

  it('takes over the lock of a run that was killed once it is stale, and waits for that', async () => {
    const dir = fresh();
    // What a killed run leaves: the lock directory, no longer refreshed.
    mkdirSync(join(dir, INDEX_LOCK), { recursive: true });
    const now = Date.now() / 1000;
    utimesSync(join(dir, INDEX_LOCK), now - 1, now - 1);
    await expect(withIndexLock(dir, async () => 0, { staleMs: 2000, waitMs: 0 })).rejects.toThrow(/another fewbeat/);
    const started = Date.now();
    expect(await withIndexLock(dir, async () => 'continued', { staleMs: 2000 })).toBe('continued');
    expect(Date.now() - started).toBeGreaterThanOrEqual(500);
    expect(Date.now() - started).toBeLessThan(4000);
  });
});

describe('withIndexLock while another run holds the lock', () => {
  it('says once that it waits, then runs when the other finishes', async () => {
    const dir = fresh();
    const waits: number[] = [];
    let finishFirst: () => void = () => undefined;
    const first = withIndexLock(dir, () => new Promise<string>((r) => (finishFirst = () => r('first'))));
    await new Promise((r) => setTimeout(r, 50));
    const second = withIndexLock(dir, async () => 'second', { onWait: (ms) => waits.push(ms) });
    await new Promise((r) => setTimeout(r, 200));
    finishFirst();
    expect(await first).toBe('first');
    expect(await second).toBe('second');
    expect(waits).toEqual([22_000]);
  });
});
