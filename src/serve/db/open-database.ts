import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { Kysely, Migrator, PostgresDialect, SqliteDialect, type SqliteDatabase } from 'kysely';
import Database from 'libsql';
import pg from 'pg';
import { FewbeatError } from '../../errors.js';
import { migrationProvider, type DialectName } from './migrations.js';
import type { Db } from './schema.js';

/** An open database of the service, migrated to the latest version. */
export interface ServiceDatabase {
  db: Kysely<Db>;
  dialect: DialectName;
  /** Where it is, without credentials (for /api/health and the start-up line). */
  description: string;
  close: () => Promise<void>;
}

/**
 * Open the service's database and run its migrations: `sqlite:PATH` (embedded, the default; the
 * folder is created) or `postgres://user@host:port/db` (a multi-user site).
 *
 * SQLite goes through `libsql`, a fork of SQLite with better-sqlite3's synchronous API, whose native
 * binaries ship as per-platform npm packages (better-sqlite3 downloads its binaries from GitHub at
 * install, or needs a compiler and Node headers); Kysely's `SqliteDialect` drives it. WAL journal
 * mode lets readers run beside the writer; foreign keys are enforced. PostgreSQL goes through `pg`.
 */
export async function openDatabase(url: string): Promise<ServiceDatabase> {
  let db: Kysely<Db>;
  let dialect: DialectName;
  let description: string;
  if (url.startsWith('sqlite:')) {
    const file = url.slice('sqlite:'.length);
    if (file === '') throw new FewbeatError('sqlite: needs a file path, e.g. sqlite:data/fewbeat.db', { file: url });
    if (file !== ':memory:') mkdirSync(dirname(resolve(file)), { recursive: true });
    let sqlite: InstanceType<typeof Database>;
    try {
      sqlite = new Database(file);
    } catch (e) {
      throw new FewbeatError(`cannot open the SQLite database: ${(e as Error).message}`, { file });
    }
    sqlite.exec('pragma journal_mode = wal; pragma foreign_keys = on; pragma busy_timeout = 5000;');
    db = new Kysely<Db>({ dialect: new SqliteDialect({ database: sqlite as unknown as SqliteDatabase }) });
    dialect = 'sqlite';
    description = `sqlite:${file}`;
  } else if (/^postgres(ql)?:\/\//.test(url)) {
    const pool = new pg.Pool({ connectionString: url, max: 10 });
    db = new Kysely<Db>({ dialect: new PostgresDialect({ pool }) });
    dialect = 'postgres';
    const u = new URL(url);
    description = `postgres://${u.host}${u.pathname}`;
  } else {
    throw new FewbeatError('expected sqlite:PATH or postgres://user@host:port/database', { file: url });
  }
  const migrator = new Migrator({ db, provider: migrationProvider(dialect) });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    await db.destroy();
    const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'migrations';
    throw new FewbeatError(`database migration ${failed} failed: ${(error as Error).message}`, { file: description });
  }
  return { db, dialect, description, close: () => db.destroy() };
}
