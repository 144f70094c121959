import { createHash, randomBytes } from 'node:crypto';
import type { Kysely, Selectable } from 'kysely';
import type { Db, SessionsTable, UsersTable } from '../db/schema.js';
import { newId, nowIso } from './ids.js';

const sha256 = (s: string): string => createHash('sha256').update(s).digest('hex');

/** A signed-in caller: the user and the login (cookie session or bearer token) they came with. */
export interface Principal {
  user: Selectable<UsersTable>;
  session: Selectable<SessionsTable>;
}

/**
 * Logins: browser sessions (a random 256-bit secret in an HttpOnly cookie, with a CSRF token bound to
 * the session) and bearer tokens for scripts (the same kind of secret in an Authorization header).
 * Only the SHA-256 of a secret is stored, so a copy of the database does not let anyone sign in.
 */
export class SessionStore {
  constructor(private readonly db: Kysely<Db>) {}

  async create(
    userId: string,
    kind: 'cookie' | 'token',
    name: string,
    ttlMs: number,
  ): Promise<{ secret: string; row: Selectable<SessionsTable> }> {
    const secret = randomBytes(32).toString('base64url');
    const now = Date.now();
    const row = {
      id: newId(kind === 'cookie' ? 'sess' : 'tok'),
      token_sha256: sha256(secret),
      user_id: userId,
      kind,
      name,
      csrf_token: kind === 'cookie' ? randomBytes(32).toString('base64url') : null,
      created_at: new Date(now).toISOString(),
      expires_at: new Date(now + ttlMs).toISOString(),
      revoked: 0,
    };
    await this.db.insertInto('sessions').values(row).execute();
    return { secret, row };
  }

  /** The principal a secret belongs to, when the login is live and the user enabled. */
  async resolve(secret: string, kind: 'cookie' | 'token'): Promise<Principal | null> {
    const row = await this.db
      .selectFrom('sessions')
      .innerJoin('users', 'users.id', 'sessions.user_id')
      .selectAll('sessions')
      .select([
        'users.username',
        'users.display_name',
        'users.role',
        'users.password_hash',
        'users.disabled',
        'users.created_at as user_created_at',
      ])
      .where('sessions.token_sha256', '=', sha256(secret))
      .where('sessions.kind', '=', kind)
      .executeTakeFirst();
    if (!row || row.revoked === 1 || row.disabled === 1 || row.expires_at <= nowIso()) return null;
    const { username, display_name, role, password_hash, disabled, user_created_at, ...session } = row;
    return {
      session,
      user: { id: row.user_id, username, display_name, role, password_hash, disabled, created_at: user_created_at },
    };
  }

  async revoke(id: string): Promise<void> {
    await this.db.updateTable('sessions').set({ revoked: 1 }).where('id', '=', id).execute();
  }

  /** End every login of a user (sessions and tokens), but the one `keep` when given. */
  async revokeAllOf(userId: string, keep?: string): Promise<void> {
    let query = this.db.updateTable('sessions').set({ revoked: 1 }).where('user_id', '=', userId);
    if (keep !== undefined) query = query.where('id', '!=', keep);
    await query.execute();
  }
}
