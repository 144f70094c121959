import type { Kysely } from 'kysely';
import type { z } from 'zod';
import type { auditEntrySchema } from '../api/schemas.js';
import type { Db } from '../db/schema.js';
import { nowIso } from './ids.js';

export type AuditEntry = z.infer<typeof auditEntrySchema>;

/** One audited event: who (null before login), what, on what, from where, and details without patient identifiers. */
export interface AuditEvent {
  userId: string | null;
  username: string | null;
  action: string;
  targetType?: string | null;
  targetId?: string | null;
  ip: string | null;
  details?: Record<string, unknown>;
}

/**
 * Append an entry through `db`, which may be a transaction: a change and its audit entry written in
 * one transaction are both stored or neither (a server killed between them leaves no unaudited change).
 */
export async function appendAudit(db: Kysely<Db>, e: AuditEvent): Promise<void> {
  await db
    .insertInto('audit_log')
    .values({
      at: nowIso(),
      user_id: e.userId,
      username: e.username,
      action: e.action,
      target_type: e.targetType ?? null,
      target_id: e.targetId ?? null,
      ip: e.ip,
      details: JSON.stringify(e.details ?? {}),
    })
    .execute();
}

/** Who makes a change, for its audit entry: the user and the address the request came from. */
export interface Actor {
  id: string;
  username: string;
  ip: string | null;
}

/**
 * The append-only audit log: logins, uploads, predictions, bank changes, reviews and exports. The
 * store has no update or delete, and the database refuses them (triggers of the first migration).
 * Entries carry ids (case, prediction, bank), never names, record ids or birth dates.
 */
export class AuditLog {
  constructor(private readonly db: Kysely<Db>) {}

  async append(e: AuditEvent): Promise<void> {
    await appendAudit(this.db, e);
  }

  async list(q: { action?: string | undefined; userId?: string | undefined; limit: number; offset: number }): Promise<{
    entries: AuditEntry[];
    total: number;
  }> {
    let query = this.db.selectFrom('audit_log');
    if (q.action !== undefined) query = query.where('action', '=', q.action);
    if (q.userId !== undefined) query = query.where('user_id', '=', q.userId);
    const total = await query.select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow();
    const rows = await query.selectAll().orderBy('seq', 'desc').limit(q.limit).offset(q.offset).execute();
    return { entries: rows.map(toEntry), total: Number(total.n) };
  }

  /** Every entry, oldest first, a page at a time (for the NDJSON export). */
  async *all(pageSize = 1000): AsyncGenerator<AuditEntry> {
    let after = 0;
    for (;;) {
      const rows = await this.db
        .selectFrom('audit_log')
        .selectAll()
        .where('seq', '>', after)
        .orderBy('seq')
        .limit(pageSize)
        .execute();
      for (const r of rows) yield toEntry(r);
      if (rows.length < pageSize) return;
      after = Number((rows[rows.length - 1] as { seq: number }).seq);
    }
  }
}

function toEntry(r: {
  seq: number | string;
  at: string;
  user_id: string | null;
  username: string | null;
  action: string;
  target_type: string | null;
  target_id: string | null;
  ip: string | null;
  details: string;
}): AuditEntry {
  return {
    id: String(r.seq),
    at: r.at,
    userId: r.user_id,
    username: r.username,
    action: r.action,
    targetType: r.target_type,
    targetId: r.target_id,
    ip: r.ip,
    details: JSON.parse(r.details) as Record<string, unknown>,
  };
}
