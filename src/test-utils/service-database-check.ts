import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'kysely';
import type { ServiceDatabase } from '../serve/db/open-database.js';

/** What `checkServiceDatabase` found: every problem in one line, and what it looked at. */
export interface DatabaseCheck {
  problems: string[];
  /** The engine's check: SQLite `integrity_check`, `foreign_key_check`; PostgreSQL amcheck of each index and table. */
  engineCheck: string;
  cases: number;
  bankVersions: number;
  /**
   * Files in the blob store that no `blobs` row lists (left by an upload killed between moving them in and its commit);
   * each must still hold the bytes it is named by (a later upload of the same bytes adopts it).
   */
  unreferencedFiles: number;
  /** Cases and bank versions after the first that have no audit entry (changes made, never acknowledged). */
  unauditedChanges: number;
}

const sha256 = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? filesUnder(join(dir, e.name)) : [join(dir, e.name)],
  );
}

/**
 * Check a service database (and its blob store) for what a crash could have broken: the engine's
 * own integrity check; every case's files listed in `blobs` and present in the store with the
 * SHA-256 they are named by; every bank's versions numbered 1..current_version without a gap and
 * none beyond the current one; every prediction's bank version present.
 */
export async function checkServiceDatabase(database: ServiceDatabase, blobRoot: string): Promise<DatabaseCheck> {
  const { db } = database;
  const problems: string[] = [];
  let engineCheck: string;
  if (database.dialect === 'sqlite') {
    const integrity = await sql<{ integrity_check: string }>`pragma integrity_check`.execute(db);
    const result = integrity.rows.map((r) => r.integrity_check).join('; ');
    if (result !== 'ok') problems.push(`integrity_check: ${result}`);
    const fk = await sql<Record<string, unknown>>`pragma foreign_key_check`.execute(db);
    for (const r of fk.rows) problems.push(`foreign_key_check: ${JSON.stringify(r)}`);
    engineCheck = `integrity_check ${result}, foreign_key_check ${fk.rows.length} rows`;
  } else {
    await sql`create extension if not exists amcheck`.execute(db);
    const indexes = await sql<{ name: string }>`
      select c.relname as name from pg_index i
        join pg_class c on c.oid = i.indexrelid
        join pg_namespace n on n.oid = c.relnamespace
        join pg_am a on a.oid = c.relam
      where n.nspname = current_schema() and a.amname = 'btree'`.execute(db);
    for (const { name } of indexes.rows) {
      try {
        await sql`select bt_index_parent_check(${name}::regclass, true)`.execute(db);
      } catch (e) {
        problems.push(`amcheck ${name}: ${(e as Error).message}`);
      }
    }
    const tables = await sql<{ name: string }>`
      select tablename as name from pg_tables where schemaname = current_schema()`.execute(db);
    for (const { name } of tables.rows) {
      const corrupt = await sql<{ msg: string }>`select msg from verify_heapam(${name}::regclass)`.execute(db);
      for (const r of corrupt.rows) problems.push(`verify_heapam ${name}: ${r.msg}`);
    }
    engineCheck =
      `amcheck: bt_index_parent_check of ${indexes.rows.length} B-tree indexes, ` +
      `verify_heapam of ${tables.rows.length} tables`;
  }

  const known = new Set((await db.selectFrom('blobs').select('sha256').execute()).map((b) => b.sha256));
  const cases = await db.selectFrom('cases').select(['id', 'source_files']).execute();
  for (const c of cases)
    for (const f of JSON.parse(c.source_files) as Array<{ name: string; sha256: string }>) {
      const path = join(blobRoot, f.sha256.slice(0, 2), f.sha256.slice(2, 4), f.sha256);
      if (!known.has(f.sha256)) problems.push(`case ${c.id}: file ${f.name} not in blobs`);
      else if (!existsSync(path)) problems.push(`case ${c.id}: file ${f.name} missing from the store`);
      else if (sha256(readFileSync(path)) !== f.sha256) problems.push(`case ${c.id}: file ${f.name} damaged`);
    }
  const banks = await db.selectFrom('banks').select(['id', 'current_version']).execute();
  let bankVersions = 0;
  for (const b of banks) {
    const versions = (
      await db.selectFrom('bank_versions').select('version').where('bank_id', '=', b.id).orderBy('version').execute()
    ).map((v) => Number(v.version));
    bankVersions += versions.length;
    const expected = Array.from({ length: Number(b.current_version) }, (_, i) => i + 1);
    if (JSON.stringify(versions) !== JSON.stringify(expected))
      problems.push(`bank ${b.id}: versions ${versions.join(',')} for current version ${b.current_version}`);
  }
  const orphans = await db
    .selectFrom('predictions')
    .leftJoin('bank_versions', (j) =>
      j
        .onRef('bank_versions.bank_id', '=', 'predictions.bank_id')
        .onRef('bank_versions.version', '=', 'predictions.bank_version'),
    )
    .select('predictions.id')
    .where('bank_versions.bank_id', 'is', null)
    .execute();
  for (const p of orphans) problems.push(`prediction ${p.id}: its bank version is missing`);

  const audit = await db.selectFrom('audit_log').select(['action', 'target_id', 'details']).execute();
  const uploads = new Set(audit.filter((a) => a.action === 'upload').map((a) => a.target_id));
  const bankChanges = new Set(
    audit
      .filter((a) => a.action === 'bank_change' || a.action === 'bank_create')
      .map((a) => `${a.target_id}@${(JSON.parse(a.details) as { version: number }).version}`),
  );
  let unauditedChanges = cases.filter((c) => !uploads.has(c.id)).length;
  for (const b of banks)
    for (let v = 1; v <= Number(b.current_version); v++) if (!bankChanges.has(`${b.id}@${v}`)) unauditedChanges++;

  const unreferenced = filesUnder(blobRoot).filter((p) => !known.has(p.split('/').pop() as string));
  for (const p of unreferenced)
    if (sha256(readFileSync(p)) !== p.split('/').pop()) problems.push(`unreferenced stored file ${p} is damaged`);
  return {
    problems,
    engineCheck,
    cases: cases.length,
    bankVersions,
    unreferencedFiles: unreferenced.length,
    unauditedChanges,
  };
}
