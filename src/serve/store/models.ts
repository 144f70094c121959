import type { Kysely } from 'kysely';
import type { z } from 'zod';
import type { knownModelSchema } from '../api/schemas.js';
import type { Db } from '../db/schema.js';
import { nowIso } from './ids.js';

export type KnownModel = z.infer<typeof knownModelSchema>;

/**
 * The models a service's database knows: those it has run with (registered at every start, with the
 * directory they were served from) and those its banks and predictions name (a database carried over
 * from another installation). A bank belongs to the model it was enrolled with, so after a model
 * change this is where an admin sees which banks need enrolling again.
 */
export class ModelStore {
  constructor(private readonly db: Kysely<Db>) {}

  /** Record that the service starts with this model (first start: a new row; later: the time and directory). */
  async registerStart(m: {
    version: string;
    dir: string;
    classes: { base: string[]; novel: string[] };
  }): Promise<void> {
    const now = nowIso();
    await this.db
      .insertInto('models')
      .values({
        version: m.version,
        dir: m.dir,
        classes: JSON.stringify(m.classes),
        first_started_at: now,
        last_started_at: now,
      })
      .onConflict((oc) =>
        oc.column('version').doUpdateSet({ dir: m.dir, classes: JSON.stringify(m.classes), last_started_at: now }),
      )
      .execute();
  }

  /** Every known model with its banks and predictions; the active one first, then the most recently started. */
  async list(activeVersion: string): Promise<KnownModel[]> {
    const [started, banks, predictions] = await Promise.all([
      this.db.selectFrom('models').selectAll().execute(),
      this.db
        .selectFrom('banks')
        .select((eb) => ['model_version', eb.fn.countAll().as('n')])
        .groupBy('model_version')
        .execute(),
      this.db
        .selectFrom('predictions')
        .select((eb) => ['model_version', eb.fn.countAll().as('n'), eb.fn.max('created_at').as('last')])
        .groupBy('model_version')
        .execute(),
    ]);
    const byVersion = new Map<string, KnownModel>();
    const entry = (version: string): KnownModel => {
      let m = byVersion.get(version);
      if (!m) {
        m = {
          version,
          active: version === activeVersion,
          dir: null,
          classes: null,
          firstStartedAt: null,
          lastStartedAt: null,
          banks: 0,
          predictions: 0,
          lastPredictionAt: null,
        };
        byVersion.set(version, m);
      }
      return m;
    };
    for (const r of started)
      Object.assign(entry(r.version), {
        dir: r.dir,
        classes: JSON.parse(r.classes) as KnownModel['classes'],
        firstStartedAt: r.first_started_at,
        lastStartedAt: r.last_started_at,
      });
    for (const r of banks) entry(r.model_version).banks = Number(r.n);
    for (const r of predictions)
      Object.assign(entry(r.model_version), { predictions: Number(r.n), lastPredictionAt: r.last ?? null });
    return [...byVersion.values()].sort(
      (a, b) =>
        Number(b.active) - Number(a.active) ||
        (b.lastStartedAt ?? '').localeCompare(a.lastStartedAt ?? '') ||
        a.version.localeCompare(b.version),
    );
  }
}
