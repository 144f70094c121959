import { sql, type Kysely, type Migration, type MigrationProvider } from 'kysely';

/** Which database a migration runs on, for the few statements that differ (auto-increment, triggers). */
export type DialectName = 'sqlite' | 'postgres';

/**
 * The versioned migrations of the service's database, in code (run at start-up by Kysely's
 * `Migrator`, which records them in `kysely_migration` and takes a lock so that two servers starting
 * together do not both run them). Never edit a released migration: add the next one.
 */
export function migrations(dialect: DialectName): Record<string, Migration> {
  return {
    '0001-initial': {
      async up(db: Kysely<unknown>): Promise<void> {
        await db.schema
          .createTable('users')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('username', 'text', (c) => c.notNull().unique())
          .addColumn('display_name', 'text', (c) => c.notNull())
          .addColumn('role', 'text', (c) => c.notNull().check(sql`role in ('clinician', 'admin')`))
          .addColumn('password_hash', 'text', (c) => c.notNull())
          .addColumn('disabled', 'integer', (c) => c.notNull().defaultTo(0))
          .addColumn('created_at', 'text', (c) => c.notNull())
          .execute();
        await db.schema
          .createTable('sessions')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('token_sha256', 'text', (c) => c.notNull().unique())
          .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
          .addColumn('kind', 'text', (c) => c.notNull())
          .addColumn('name', 'text', (c) => c.notNull())
          .addColumn('csrf_token', 'text')
          .addColumn('created_at', 'text', (c) => c.notNull())
          .addColumn('expires_at', 'text', (c) => c.notNull())
          .addColumn('revoked', 'integer', (c) => c.notNull().defaultTo(0))
          .execute();
        await db.schema
          .createTable('blobs')
          .addColumn('sha256', 'text', (c) => c.primaryKey())
          .addColumn('bytes', 'bigint', (c) => c.notNull())
          .addColumn('created_at', 'text', (c) => c.notNull())
          .execute();
        await db.schema
          .createTable('cases')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('patient_id', 'text')
          .addColumn('label', 'text')
          .addColumn('record_sha256', 'text', (c) => c.notNull())
          .addColumn('record_info', 'text', (c) => c.notNull())
          .addColumn('source_files', 'text', (c) => c.notNull())
          .addColumn('clinical', 'text', (c) => c.notNull())
          .addColumn('csv_fs', 'double precision')
          .addColumn('uploaded_by', 'text', (c) => c.notNull().references('users.id'))
          .addColumn('created_at', 'text', (c) => c.notNull())
          .execute();
        await db.schema.createIndex('cases_patient').on('cases').columns(['patient_id', 'created_at']).execute();
        await db.schema.createIndex('cases_created').on('cases').column('created_at').execute();
        await db.schema
          .createTable('banks')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('name', 'text', (c) => c.notNull())
          .addColumn('model_version', 'text', (c) => c.notNull())
          .addColumn('current_version', 'integer', (c) => c.notNull())
          .addColumn('created_by', 'text', (c) => c.notNull().references('users.id'))
          .addColumn('created_at', 'text', (c) => c.notNull())
          .addColumn('updated_at', 'text', (c) => c.notNull())
          .execute();
        await db.schema
          .createTable('bank_versions')
          .addColumn('bank_id', 'text', (c) => c.notNull().references('banks.id'))
          .addColumn('version', 'integer', (c) => c.notNull())
          .addColumn('examples', 'text', (c) => c.notNull())
          .addColumn('bank_json', 'text', (c) => c.notNull())
          .addColumn('change', 'text', (c) => c.notNull())
          .addColumn('created_by', 'text', (c) => c.notNull().references('users.id'))
          .addColumn('created_at', 'text', (c) => c.notNull())
          .addPrimaryKeyConstraint('bank_versions_pk', ['bank_id', 'version'])
          .execute();
        await db.schema
          .createTable('predictions')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('case_id', 'text', (c) => c.notNull().references('cases.id'))
          .addColumn('bank_id', 'text', (c) => c.notNull())
          .addColumn('bank_version', 'integer', (c) => c.notNull())
          .addColumn('model_version', 'text', (c) => c.notNull())
          .addColumn('input_sha256', 'text', (c) => c.notNull())
          .addColumn('predicted', 'text', (c) => c.notNull())
          .addColumn('abstained', 'integer', (c) => c.notNull())
          .addColumn('result', 'text', (c) => c.notNull())
          .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
          .addColumn('created_at', 'text', (c) => c.notNull())
          .addForeignKeyConstraint('predictions_bank_version', ['bank_id', 'bank_version'], 'bank_versions', [
            'bank_id',
            'version',
          ])
          .execute();
        await db.schema.createIndex('predictions_case').on('predictions').columns(['case_id', 'created_at']).execute();
        await db.schema
          .createTable('reviews')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('prediction_id', 'text', (c) => c.notNull().references('predictions.id'))
          .addColumn('case_id', 'text', (c) => c.notNull().references('cases.id'))
          .addColumn('verdict', 'text', (c) => c.notNull().check(sql`verdict in ('confirmed', 'corrected')`))
          .addColumn('final_class', 'text', (c) => c.notNull())
          .addColumn('note', 'text', (c) => c.notNull())
          .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
          .addColumn('created_at', 'text', (c) => c.notNull())
          .execute();
        await db.schema.createIndex('reviews_prediction').on('reviews').column('prediction_id').execute();
        await db.schema
          .createTable('audit_log')
          .addColumn('seq', dialect === 'postgres' ? 'bigserial' : 'integer', (c) =>
            dialect === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement(),
          )
          .addColumn('at', 'text', (c) => c.notNull())
          .addColumn('user_id', 'text')
          .addColumn('username', 'text')
          .addColumn('action', 'text', (c) => c.notNull())
          .addColumn('target_type', 'text')
          .addColumn('target_id', 'text')
          .addColumn('ip', 'text')
          .addColumn('details', 'text', (c) => c.notNull())
          .execute();
        // Append-only in the database itself: updates and deletes of the audit log are refused.
        if (dialect === 'postgres') {
          await sql`create function audit_log_append_only() returns trigger language plpgsql as $$
            begin raise exception 'the audit log is append-only'; end $$`.execute(db);
          await sql`create trigger audit_log_no_change before update or delete on audit_log
            for each row execute function audit_log_append_only()`.execute(db);
        } else {
          await sql`create trigger audit_log_no_update before update on audit_log
            begin select raise(abort, 'the audit log is append-only'); end`.execute(db);
          await sql`create trigger audit_log_no_delete before delete on audit_log
            begin select raise(abort, 'the audit log is append-only'); end`.execute(db);
        }
      },
    },
    '0002-reviews-by-case': {
      // A case's latest review (case summaries) is one index step, like its latest prediction.
      async up(db: Kysely<unknown>): Promise<void> {
        await db.schema.createIndex('reviews_case').on('reviews').columns(['case_id', 'created_at']).execute();
      },
    },
    '0003-models': {
      // The models the service has run with, so that admins see which model older banks belong to.
      async up(db: Kysely<unknown>): Promise<void> {
        await db.schema
          .createTable('models')
          .addColumn('version', 'text', (c) => c.primaryKey())
          .addColumn('dir', 'text', (c) => c.notNull())
          .addColumn('classes', 'text', (c) => c.notNull())
          .addColumn('first_started_at', 'text', (c) => c.notNull())
          .addColumn('last_started_at', 'text', (c) => c.notNull())
          .execute();
        await db.schema.createIndex('banks_model').on('banks').column('model_version').execute();
        await db.schema.createIndex('predictions_model').on('predictions').column('model_version').execute();
      },
    },
  };
}

/** The migrations above as Kysely's `Migrator` wants them. */
export function migrationProvider(dialect: DialectName): MigrationProvider {
  return { getMigrations: () => Promise.resolve(migrations(dialect)) };
}
