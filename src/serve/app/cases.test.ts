import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../db/open-database.js';
import type { ModelService } from '../model/model-service.js';
import { BlobStore } from '../store/blob-store.js';
import { nowIso } from '../store/ids.js';
import { scratchPostgres, type DatabaseKind } from '../test-support/test-service.js';
import { removeUnreferencedFiles } from './cases.js';
import { serveContext } from './context.js';

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

describe.each<DatabaseKind>(['sqlite', 'postgres'])('removeUnreferencedFiles on %s', (kind) => {
  const cleanups: Array<() => Promise<void> | void> = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  it('removes old stored files no case references and keeps referenced and recent ones', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fewbeat-blobs-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const scratch = kind === 'postgres' ? await scratchPostgres() : null;
    if (scratch) cleanups.push(scratch.drop);
    const database = await openDatabase(scratch ? scratch.url : `sqlite:${join(dir, 'test.db')}`);
    cleanups.push(() => database.close());
    // Only the stores and the blob folder are used: no model is needed.
    const ctx = serveContext(database, null as unknown as ModelService, new BlobStore(join(dir, 'blobs')), dir);
    const store = (text: string, ageMs: number): string => {
      const hash = sha256(text);
      const temp = join(dir, `${hash}.tmp`);
      writeFileSync(temp, text);
      ctx.blobs.adopt(temp, hash);
      const when = new Date(Date.now() - ageMs);
      utimesSync(ctx.blobs.pathOf(hash), when, when);
      return hash;
    };
    const hour = 3_600_000;
    const referenced = store('a record that a case uses', hour);
    const orphan = store('a record whose upload was killed before its commit', hour);
    const recent = store('a record whose upload is still in progress', 1000);
    await database.db.insertInto('blobs').values({ sha256: referenced, bytes: 25, created_at: nowIso() }).execute();

    expect(await removeUnreferencedFiles(ctx, 10 * 60_000)).toBe(1);
    expect(existsSync(ctx.blobs.pathOf(orphan))).toBe(false);
    expect(existsSync(ctx.blobs.pathOf(referenced))).toBe(true);
    expect(existsSync(ctx.blobs.pathOf(recent))).toBe(true);
    expect(await removeUnreferencedFiles(ctx, 10 * 60_000)).toBe(0);
  });
});
