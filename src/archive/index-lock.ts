import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import lockfile from 'proper-lockfile';
import { FewbeatError } from '../errors.js';

/** The lock's name inside the index folder (a directory, as proper-lockfile makes it). */
export const INDEX_LOCK = 'index.lock';

/** Options of {@link withIndexLock}. */
export interface IndexLockOptions {
  /**
   * A lock not refreshed for this long is stale and may be taken over (its holder was killed, or its machine
   * stopped); the holder refreshes it every half of it. @default 20000
   */
  staleMs?: number;
  /** How long to wait for a held lock before refusing, ms. @default staleMs + 2000 (a killed run's lock goes stale) */
  waitMs?: number;
  /** Called once when the lock is held by another run and this one starts waiting (with the wait in ms). */
  onWait?: (waitMs: number) => void;
}

/**
 * Run `build` as the only writer of the index at `dir`: a local `fewbeat index` and a `fewbeat index --queue`
 * coordinator both take the index folder's lock first, so that two of them never write shards or merge into one
 * index at once (their ledgers would each think the other's records missing). The lock is proper-lockfile's
 * (a directory created atomically, its modification time refreshed while held), which also works for an index on a
 * filesystem that several machines share. A run killed at any point leaves a lock that goes stale after `staleMs`;
 * the next run waits for that and continues.
 *
 * `build` gets a `check` to call before it commits anything: it throws when the lock was lost (not refreshed in
 * time, so another run may have taken it over). Refused in one line, naming the folder, when another run holds the
 * lock for longer than `waitMs`.
 */
export async function withIndexLock<T>(
  dir: string,
  build: (check: () => void) => Promise<T>,
  options: IndexLockOptions = {},
): Promise<T> {
  mkdirSync(dir, { recursive: true });
  const stale = options.staleMs ?? 20_000;
  const wait = options.waitMs ?? stale + 2000;
  let lost: Error | null = null;
  const take = (retries: number): Promise<() => Promise<void>> =>
    lockfile.lock(dir, {
      lockfilePath: join(dir, INDEX_LOCK),
      realpath: false,
      stale,
      update: Math.floor(stale / 2),
      retries: retries > 0 ? { retries, factor: 1, minTimeout: 500, maxTimeout: 500 } : 0,
      onCompromised: (err) => {
        lost = err;
      },
    });
  const busy = (err: unknown): boolean => (err as NodeJS.ErrnoException).code === 'ELOCKED';
  let release: () => Promise<void>;
  try {
    try {
      release = await take(0);
    } catch (err) {
      if (!busy(err) || wait <= 0) throw err;
      options.onWait?.(wait);
      release = await take(Math.ceil(wait / 500));
    }
  } catch (err) {
    if (busy(err))
      throw new FewbeatError(
        `another fewbeat index run is writing this index (its ${INDEX_LOCK} was refreshed within the last ` +
          `${stale / 1000} s); wait for it to finish, or stop it and run again`,
        { file: dir },
      );
    throw err;
  }
  const check = (): void => {
    if (lost)
      throw new FewbeatError(
        `the index lock was lost (${lost.message}); another run may be writing the index: stop it and run again`,
        { file: dir },
      );
  };
  try {
    const result = await build(check);
    check();
    return result;
  } finally {
    await release().catch(() => undefined);
  }
}
