import type { Kysely, Selectable } from 'kysely';
import type { Db, PredictionsTable, ReviewsTable } from '../db/schema.js';

export type PredictionRow = Selectable<PredictionsTable> & { username: string; bank_name: string };
export type ReviewRow = Selectable<ReviewsTable> & { username: string };

/** Stored predictions (each with its input hash, model version and bank version) and their reviews. */
export class PredictionStore {
  constructor(private readonly db: Kysely<Db>) {}

  async insert(row: Selectable<PredictionsTable>): Promise<void> {
    await this.db.insertInto('predictions').values(row).execute();
  }

  private base() {
    return this.db
      .selectFrom('predictions')
      .innerJoin('users', 'users.id', 'predictions.user_id')
      .innerJoin('banks', 'banks.id', 'predictions.bank_id')
      .selectAll('predictions')
      .select(['users.username as username', 'banks.name as bank_name']);
  }

  async get(id: string): Promise<PredictionRow | undefined> {
    return this.base().where('predictions.id', '=', id).executeTakeFirst();
  }

  /** A case's predictions, newest first (a page of them when `page` is given). */
  async byCase(caseId: string, page?: { limit: number; offset: number }): Promise<PredictionRow[]> {
    let query = this.base()
      .where('predictions.case_id', '=', caseId)
      .orderBy('predictions.created_at', 'desc')
      .orderBy('predictions.id', 'desc');
    if (page) query = query.limit(page.limit).offset(page.offset);
    return query.execute();
  }

  async countByCase(caseId: string): Promise<number> {
    const r = await this.db
      .selectFrom('predictions')
      .select((eb) => eb.fn.countAll().as('n'))
      .where('case_id', '=', caseId)
      .executeTakeFirstOrThrow();
    return Number(r.n);
  }

  async insertReview(row: Selectable<ReviewsTable>): Promise<void> {
    await this.db.insertInto('reviews').values(row).execute();
  }

  /** The latest review of each prediction. */
  async latestReviews(predictionIds: readonly string[]): Promise<Map<string, ReviewRow>> {
    const out = new Map<string, ReviewRow>();
    if (predictionIds.length === 0) return out;
    const rows = await this.db
      .selectFrom('reviews')
      .innerJoin('users', 'users.id', 'reviews.user_id')
      .selectAll('reviews')
      .select('users.username as username')
      .where('reviews.prediction_id', 'in', [...predictionIds])
      .orderBy('reviews.created_at', 'desc')
      .execute();
    for (const r of rows) if (!out.has(r.prediction_id)) out.set(r.prediction_id, r);
    return out;
  }
}
