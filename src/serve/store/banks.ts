import type { Kysely, Selectable } from 'kysely';
import type { BankVersionsTable, BanksTable, Db } from '../db/schema.js';
import { appendAudit, type AuditEvent } from './audit-log.js';

export type BankRow = Selectable<BanksTable> & { creator_username: string };
export type BankVersionRow = Selectable<BankVersionsTable> & { author_username: string };

/** Thrown when another writer made the next version first (the caller retries on the new version). */
export class BankVersionConflict extends Error {}

/**
 * Prototype banks and their versions. A bank's versions are immutable rows `(bank_id, version)`;
 * `banks.current_version` points at the newest. A new version is written in one transaction that
 * moves the pointer only from the version it was built on (compare-and-set), so two writers can
 * never both make version n + 1: the loser gets `BankVersionConflict` and rebuilds on the winner's.
 * Each version's audit entry is written in the same transaction as the version.
 */
export class BankStore {
  constructor(private readonly db: Kysely<Db>) {}

  async create(bank: Selectable<BanksTable>, first: Selectable<BankVersionsTable>, audit: AuditEvent): Promise<void> {
    await this.db.transaction().execute(async (tx) => {
      await tx.insertInto('banks').values(bank).execute();
      await tx.insertInto('bank_versions').values(first).execute();
      await appendAudit(tx, audit);
    });
  }

  async get(id: string): Promise<BankRow | undefined> {
    return this.db
      .selectFrom('banks')
      .innerJoin('users', 'users.id', 'banks.created_by')
      .selectAll('banks')
      .select('users.username as creator_username')
      .where('banks.id', '=', id)
      .executeTakeFirst();
  }

  async list(): Promise<BankRow[]> {
    return this.db
      .selectFrom('banks')
      .innerJoin('users', 'users.id', 'banks.created_by')
      .selectAll('banks')
      .select('users.username as creator_username')
      .orderBy('banks.updated_at', 'desc')
      .execute();
  }

  /** One version of a bank. Versions never change, so the most recently read are kept in memory. */
  async version(id: string, version: number): Promise<BankVersionRow | undefined> {
    const key = `${id}@${version}`;
    const known = this.recentVersions.get(key);
    if (known) return known;
    const row = await this.db
      .selectFrom('bank_versions')
      .innerJoin('users', 'users.id', 'bank_versions.created_by')
      .selectAll('bank_versions')
      .select('users.username as author_username')
      .where('bank_versions.bank_id', '=', id)
      .where('bank_versions.version', '=', version)
      .executeTakeFirst();
    if (row) {
      this.recentVersions.set(key, row);
      if (this.recentVersions.size > 64) this.recentVersions.delete(this.recentVersions.keys().next().value as string);
    }
    return row;
  }

  private readonly recentVersions = new Map<string, BankVersionRow>();

  async versions(id: string): Promise<Array<Omit<BankVersionRow, 'bank_json' | 'examples'>>> {
    return this.db
      .selectFrom('bank_versions')
      .innerJoin('users', 'users.id', 'bank_versions.created_by')
      .select([
        'bank_versions.bank_id',
        'bank_versions.version',
        'bank_versions.change',
        'bank_versions.created_by',
        'bank_versions.created_at',
        'users.username as author_username',
      ])
      .where('bank_versions.bank_id', '=', id)
      .orderBy('bank_versions.version', 'desc')
      .execute();
  }

  /** Write `next` (version = `from` + 1) and move the bank to it, if the bank is still at `from`. */
  async addVersion(next: Selectable<BankVersionsTable>, from: number, audit: AuditEvent): Promise<void> {
    try {
      await this.db.transaction().execute(async (tx) => {
        const moved = await tx
          .updateTable('banks')
          .set({ current_version: next.version, updated_at: next.created_at })
          .where('id', '=', next.bank_id)
          .where('current_version', '=', from)
          .executeTakeFirst();
        if (Number(moved.numUpdatedRows) !== 1)
          throw new BankVersionConflict(`bank ${next.bank_id} moved past ${from}`);
        await tx.insertInto('bank_versions').values(next).execute();
        await appendAudit(tx, audit);
      });
    } catch (e) {
      if (e instanceof BankVersionConflict) throw e;
      // A unique-key violation on (bank_id, version): another server wrote it first.
      if (/unique|duplicate|primary key/i.test((e as Error).message))
        throw new BankVersionConflict((e as Error).message);
      throw e;
    }
  }
}
