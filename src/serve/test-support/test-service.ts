import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { startService, type RunningService, type ServiceOptions } from '../start-service.js';

export type DatabaseKind = 'sqlite' | 'postgres';

/** The PostgreSQL server the tests use (trust auth on loopback unless DATABASE_URL says otherwise). */
export const POSTGRES_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** A uniquely named empty PostgreSQL database, and how to drop it. */
export async function scratchPostgres(): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `fewbeat_test_${process.pid}_${Date.now().toString(36)}_${Math.floor(Math.random() * 1e6)}`;
  const admin = new pg.Client({ connectionString: POSTGRES_URL });
  await admin.connect();
  try {
    await admin.query(`create database ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(POSTGRES_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const c = new pg.Client({ connectionString: POSTGRES_URL });
      await c.connect();
      try {
        await c.query(`drop database if exists ${name} with (force)`);
      } finally {
        await c.end();
      }
    },
  };
}

/** A running service (not listening: tests use `app.inject`) on a real SQLite file or a scratch PostgreSQL database. */
export async function testService(
  kind: DatabaseKind,
  modelDir: string,
  extra: Partial<ServiceOptions> = {},
): Promise<RunningService & { dataDir: string; stop: () => Promise<void> }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'fewbeat-serve-'));
  const scratch = kind === 'postgres' ? await scratchPostgres() : null;
  const service = await startService({
    modelDir,
    dataDir,
    databaseUrl: scratch ? scratch.url : `sqlite:${join(dataDir, 'test.db')}`,
    adminPassword: 'admin-password-1',
    threads: 1,
    logger: false,
    webRoot: null,
    ...extra,
  });
  return {
    ...service,
    dataDir,
    stop: async () => {
      await service.close();
      await scratch?.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
