import { sql, type Kysely, type Selectable } from 'kysely';
import type { CaseSummary } from '../api/schemas.js';
import type { CasesTable, Db } from '../db/schema.js';
import { appendAudit, type AuditEvent } from './audit-log.js';
import { nowIso } from './ids.js';

export type CaseRow = Selectable<CasesTable> & { uploader_username: string };

/** Stored cases: one uploaded ECG (by content hash) with its clinical context, patient key and uploader. */
export class CaseStore {
  constructor(private readonly db: Kysely<Db>) {}

  /** Insert a case, the blobs it references and its audit entry, in one transaction (blobs already known are kept). */
  async insert(
    row: Selectable<CasesTable>,
    blobs: ReadonlyArray<{ sha256: string; bytes: number }>,
    audit: AuditEvent,
  ): Promise<void> {
    await this.db.transaction().execute(async (tx) => {
      for (const b of blobs)
        await tx
          .insertInto('blobs')
          .values({ sha256: b.sha256, bytes: b.bytes, created_at: nowIso() })
          .onConflict((oc) => oc.column('sha256').doNothing())
          .execute();
      await tx.insertInto('cases').values(row).execute();
      await appendAudit(tx, audit);
    });
  }

  /** Which of `hashes` the `blobs` table lists (asked in chunks, so any number of hashes may be given). */
  async knownBlobs(hashes: readonly string[]): Promise<Set<string>> {
    const known = new Set<string>();
    for (let i = 0; i < hashes.length; i += 500) {
      const rows = await this.db
        .selectFrom('blobs')
        .select('sha256')
        .where('sha256', 'in', hashes.slice(i, i + 500))
        .execute();
      for (const r of rows) known.add(r.sha256);
    }
    return known;
  }

  private base() {
    return this.db
      .selectFrom('cases')
      .innerJoin('users', 'users.id', 'cases.uploaded_by')
      .selectAll('cases')
      .select('users.username as uploader_username');
  }

  async get(id: string): Promise<CaseRow | undefined> {
    return this.base().where('cases.id', '=', id).executeTakeFirst();
  }

  async getMany(ids: readonly string[]): Promise<CaseRow[]> {
    if (ids.length === 0) return [];
    return this.base()
      .where('cases.id', 'in', [...ids])
      .execute();
  }

  /** Cases newest first, matching `q` in id, label, patient key or a source file name. */
  async list(q: {
    q?: string | undefined;
    patientId?: string | undefined;
    limit: number;
    offset: number;
  }): Promise<{ rows: CaseRow[]; total: number }> {
    let query = this.base();
    if (q.patientId !== undefined) query = query.where('cases.patient_id', '=', q.patientId);
    if (q.q !== undefined && q.q !== '') {
      const like = `%${q.q.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      query = query.where((eb) =>
        eb.or([
          eb(sql`lower(cases.id)`, 'like', sql`${like} escape '\\'`),
          eb(sql`lower(coalesce(cases.label, ''))`, 'like', sql`${like} escape '\\'`),
          eb(sql`lower(coalesce(cases.patient_id, ''))`, 'like', sql`${like} escape '\\'`),
          eb(sql`lower(cases.source_files)`, 'like', sql`${like} escape '\\'`),
        ]),
      );
    }
    const total = await query
      .clearSelect()
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirstOrThrow();
    const rows = await query
      .orderBy('cases.created_at', 'desc')
      .orderBy('cases.id', 'desc')
      .limit(q.limit)
      .offset(q.offset)
      .execute();
    return { rows, total: Number(total.n) };
  }

  /** The same patient's other cases uploaded before this one, newest first. */
  async earlier(c: CaseRow, limit = 20): Promise<CaseRow[]> {
    if (c.patient_id === null) return [];
    return this.base()
      .where('cases.patient_id', '=', c.patient_id)
      .where('cases.id', '!=', c.id)
      .where('cases.created_at', '<=', c.created_at)
      .orderBy('cases.created_at', 'desc')
      .limit(limit)
      .execute();
  }

  /**
   * The latest prediction and the latest review of each case, for summaries. Each is found through
   * its table's (case_id, created_at) index, one step per case, however many predictions a case has.
   */
  async latestOutcomes(
    ids: readonly string[],
  ): Promise<Map<string, { prediction: CaseSummary['latestPrediction']; reviewed: CaseSummary['reviewed'] }>> {
    const out = new Map<string, { prediction: CaseSummary['latestPrediction']; reviewed: CaseSummary['reviewed'] }>();
    if (ids.length === 0) return out;
    const latest = await this.db
      .selectFrom('cases')
      .where('cases.id', 'in', [...ids])
      .select((eb) => [
        'cases.id as case_id',
        eb
          .selectFrom('predictions')
          .select('predictions.id')
          .whereRef('predictions.case_id', '=', 'cases.id')
          .orderBy('predictions.created_at', 'desc')
          .limit(1)
          .as('prediction_id'),
        eb
          .selectFrom('reviews')
          .select('reviews.verdict')
          .whereRef('reviews.case_id', '=', 'cases.id')
          .orderBy('reviews.created_at', 'desc')
          .limit(1)
          .as('verdict'),
      ])
      .execute();
    const predictionIds = latest.flatMap((l) => (l.prediction_id ? [l.prediction_id] : []));
    const predictions =
      predictionIds.length === 0
        ? []
        : await this.db
            .selectFrom('predictions')
            .select(['id', 'predicted', 'abstained', 'created_at'])
            .where('id', 'in', predictionIds)
            .execute();
    const byId = new Map(predictions.map((p) => [p.id, p]));
    for (const id of ids) out.set(id, { prediction: null, reviewed: null });
    for (const l of latest) {
      const p = l.prediction_id ? byId.get(l.prediction_id) : undefined;
      out.set(l.case_id, {
        prediction: p
          ? { id: p.id, predicted: p.predicted, abstained: p.abstained === 1, createdAt: p.created_at }
          : null,
        reviewed: l.verdict ?? null,
      });
    }
    return out;
  }
}
