import { hash, verify } from '@node-rs/argon2';
import type { Kysely, Selectable } from 'kysely';
import type { Role, User } from '../api/schemas.js';
import type { Db, UsersTable } from '../db/schema.js';
import { newId, nowIso } from './ids.js';

/**
 * Users and their passwords. Passwords are hashed with argon2id (RFC 9106; OWASP's first choice)
 * through `@node-rs/argon2`, whose native binaries ship as per-platform npm packages (no compiler, no
 * download at install), at its defaults (m = 19 MiB, t = 2, p = 1, OWASP's minimum profile).
 */
export class UserStore {
  constructor(private readonly db: Kysely<Db>) {}

  static toApi(row: Selectable<UsersTable>): User {
    return {
      id: row.id,
      username: row.username,
      displayName: row.display_name,
      role: row.role,
      disabled: row.disabled === 1,
      createdAt: row.created_at,
    };
  }

  async create(u: { username: string; displayName: string; role: Role; password: string }): Promise<User> {
    const row = {
      id: newId('user'),
      username: u.username,
      display_name: u.displayName,
      role: u.role,
      password_hash: await hash(u.password),
      disabled: 0,
      created_at: nowIso(),
    };
    await this.db.insertInto('users').values(row).execute();
    return UserStore.toApi(row);
  }

  async byUsername(username: string): Promise<Selectable<UsersTable> | undefined> {
    return this.db.selectFrom('users').selectAll().where('username', '=', username).executeTakeFirst();
  }

  async byId(id: string): Promise<Selectable<UsersTable> | undefined> {
    return this.db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
  }

  async list(): Promise<User[]> {
    const rows = await this.db.selectFrom('users').selectAll().orderBy('username').execute();
    return rows.map(UserStore.toApi);
  }

  async count(): Promise<number> {
    const r = await this.db
      .selectFrom('users')
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirstOrThrow();
    return Number(r.n);
  }

  /**
   * The user when the password is right and the account enabled; a dummy verification otherwise keeps the timing alike.
   */
  async authenticate(username: string, password: string): Promise<Selectable<UsersTable> | null> {
    const row = await this.byUsername(username);
    const ok = await verify(row?.password_hash ?? DUMMY_HASH, password).catch(() => false);
    return row && ok && row.disabled === 0 ? row : null;
  }

  /** Whether `password` is this user's (argon2 verification; false for an unknown user). */
  async hasPassword(id: string, password: string): Promise<boolean> {
    const row = await this.byId(id);
    return verify(row?.password_hash ?? DUMMY_HASH, password).catch(() => false);
  }

  async update(
    id: string,
    change: {
      displayName?: string | undefined;
      role?: Role | undefined;
      password?: string | undefined;
      disabled?: boolean | undefined;
    },
  ): Promise<User | null> {
    const values: Partial<Selectable<UsersTable>> = {};
    if (change.displayName !== undefined) values.display_name = change.displayName;
    if (change.role !== undefined) values.role = change.role;
    if (change.password !== undefined) values.password_hash = await hash(change.password);
    if (change.disabled !== undefined) values.disabled = change.disabled ? 1 : 0;
    if (Object.keys(values).length > 0) await this.db.updateTable('users').set(values).where('id', '=', id).execute();
    const row = await this.byId(id);
    return row ? UserStore.toApi(row) : null;
  }
}

/** argon2id hash of a random string, verified against when the user does not exist. */
const DUMMY_HASH = '$argon2id$v=19$m=19456,t=2,p=1$NRcLZslsXZbNDNjq3wCWYw$UPLU+hLL1FEd4rXwv3rD2x48ffMVPQyWYFVlg3wziCQ';
