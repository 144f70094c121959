import type { z } from 'zod';
import { HITS_CLINICAL_SCHEMA, hitsCohortRows } from '../../archive/hits-cohort.js';
import { FewbeatError } from '../../errors.js';
import { cohortCsv } from '../../io/manifest/index.js';
import type { archiveInfoSchema, archiveSearchSchema } from '../api/schemas.js';
import { HttpError, badRequest, conflict } from '../http/http-error.js';
import type { ServedArchive } from '../model/served-archive.js';
import type { BankExample } from './banks.js';
import type { ServeContext } from './context.js';

export type ArchiveSearch = z.infer<typeof archiveSearchSchema>;

/** What an archive search asks for; `from` names where the fields came from in errors (`body`, `querystring`). */
export interface ArchiveQuery {
  bankId: string;
  bankVersion?: number | undefined;
  className: string;
  top: number;
  from: 'body' | 'querystring';
}

/** The archive index the service searches, or null when it was started without one. */
export function archiveInfo(ctx: ServeContext): z.infer<typeof archiveInfoSchema> {
  return { archive: ctx.archive?.info ?? null };
}

function servedArchive(ctx: ServeContext): ServedArchive {
  if (!ctx.archive)
    throw new HttpError(404, 'no_archive', 'no archive index is served: start fewbeat serve with --archive INDEX');
  return ctx.archive;
}

/**
 * Rank the served archive for a class of a stored bank version (the current one unless given), as
 * `fewbeat search` does with the same bank: the bank's enrolment as stored for that version, its own
 * examples left out. An unknown bank, version or class is refused naming the field.
 */
export async function searchArchive(ctx: ServeContext, q: ArchiveQuery): Promise<ArchiveSearch> {
  const archive = servedArchive(ctx);
  const bank = await ctx.banks.get(q.bankId);
  if (!bank) throw badRequest(`${q.from}.bankId: bank ${q.bankId} not found`);
  if (bank.model_version !== ctx.model.info.version)
    throw conflict(`bank ${bank.id} was enrolled with another model version: create a new bank for this model`);
  const version = q.bankVersion ?? bank.current_version;
  const v = await ctx.banks.version(bank.id, version);
  if (!v) throw badRequest(`${q.from}.bankVersion: bank ${bank.id} has no version ${version}`);
  const classes = [...new Set((JSON.parse(v.examples) as BankExample[]).map((e) => e.class))].sort();
  if (!classes.includes(q.className))
    throw badRequest(
      `${q.from}.className: class ${JSON.stringify(q.className)} is not in version ${version} of bank ` +
        `${bank.name} (it holds ${classes.join(', ')})`,
    );
  const t0 = performance.now();
  const found = await archive.search(`${bank.id}@${version}`, v.bank_json, q.className, q.top).catch((e: unknown) => {
    if (e instanceof FewbeatError) throw new HttpError(422, 'cannot_search', e.message);
    throw e;
  });
  return {
    bank: { id: bank.id, name: bank.name, version },
    className: found.class,
    scanned: found.scanned,
    enrolledExcluded: found.enrolledExcluded,
    searchMs: Math.round((performance.now() - t0) * 10) / 10,
    hits: found.hits,
  };
}

/**
 * A search's hits as a cohort manifest (`manifest.csv` as `fewbeat search --export-manifest` writes
 * it): one row per hit with the class as its label; records are the archive's paths on the server.
 */
export function searchCohortCsv(search: ArchiveSearch): string {
  return cohortCsv(
    HITS_CLINICAL_SCHEMA,
    hitsCohortRows([{ class: search.className, hits: search.hits }], (record) => record),
  );
}
