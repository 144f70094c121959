import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { Kysely, Migrator, PostgresDialect, SqliteDialect, type SqliteDatabase, type SqliteStatement } from 'kysely';
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
 * mode lets readers run beside the writer; foreign keys are enforced. `synchronous = normal`, SQLite's
 * advice for WAL: a commit no longer waits for its own fsync (the WAL is synced at checkpoints), so a
 * write costs microseconds instead of a disk flush; the database stays consistent after any crash, and
 * a crash of the service (or of Node) loses nothing, while a power cut may lose the last commits.
 * Prepared statements are kept by their SQL text ({@link keepStatements}). PostgreSQL goes through `pg`.
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
    sqlite.exec(
      'pragma journal_mode = wal; pragma synchronous = normal; pragma foreign_keys = on; pragma busy_timeout = 5000;',
    );
    db = new Kysely<Db>({
      dialect: new SqliteDialect({ database: keepStatements(sqlite as unknown as SqliteDatabase) }),
    });
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

/**
 * A SQLite handle whose statements are prepared once per SQL text and reused (the most recent
 * `size`): Kysely prepares every query it runs, and the service runs the same few dozen queries over
 * and over. Safe because Kysely gives SQLite's one connection to one query at a time.
 */
export function keepStatements(db: SqliteDatabase, size = 256): SqliteDatabase {
  const statements = new Map<string, SqliteStatement>();
  return {
    close: () => db.close(),
    prepare(sql: string): SqliteStatement {
      let statement = statements.get(sql);
      if (statement === undefined) {
        statement = db.prepare(sql);
        statements.set(sql, statement);
        if (statements.size > size) statements.delete(statements.keys().next().value as string);
      }
      return statement;
    },
  };
}
