import type {} from '@fastify/multipart';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import { ROUTES, type RouteName } from '../api/routes.js';
import type { ServeContext } from '../app/context.js';
import {
  addExample,
  bankSummaryOf,
  bankVersion,
  changeBank,
  createBank,
  relabelExample,
  removeExample,
  type BankExample,
} from '../app/banks.js';
import { archiveInfo, searchArchive, searchCohortCsv, type ArchiveSearch } from '../app/archive.js';
import { caseOf, fullCase, recordRefOf, summaries, uploadCase, type UploadPart } from '../app/cases.js';
import { casePredictions, getPrediction, predict, review } from '../app/predictions.js';
import { caseAnalysis, caseReport, reportHtml } from '../app/report.js';
import { UserStore } from '../store/users.js';
import type { Actor } from '../store/audit-log.js';
import type { Principal } from '../store/sessions.js';
import { clearSessionCookie, SESSION_TTL_MS, setSessionCookie } from './auth.js';
import { HttpError, badRequest, conflict, notFound } from './http-error.js';
import { FewbeatError } from '../../errors.js';

type Part<R, F extends string> = R extends { [k in F]: infer S extends z.ZodType } ? z.output<S> : undefined;

/** What a handler gets: the validated input of its route, the caller, and the context. */
export interface HandlerInput<K extends RouteName> {
  body: Part<(typeof ROUTES)[K], 'body'>;
  params: Part<(typeof ROUTES)[K], 'params'>;
  query: Part<(typeof ROUTES)[K], 'querystring'>;
  /** Null only on public routes. */
  principal: Principal | null;
  ctx: ServeContext;
  req: FastifyRequest;
  reply: FastifyReply;
}

type Handlers = { [K in RouteName]: (i: HandlerInput<K>) => Promise<unknown> };

const who = (p: Principal | null): { id: string; username: string } => {
  if (!p) throw new HttpError(401, 'unauthorized', 'sign in first');
  return { id: p.user.id, username: p.user.username };
};

/** The caller of a change, for the audit entry the change is stored with. */
const actor = (i: { principal: Principal | null; req: FastifyRequest }): Actor => ({
  ...who(i.principal),
  ip: i.req.ip,
});

/** Append to the audit log: who, what, on what, from where (ids only, never patient identifiers). */
async function audit(
  i: { ctx: ServeContext; req: FastifyRequest; principal: Principal | null },
  action: string,
  target: { type: string; id: string } | null,
  details: Record<string, unknown> = {},
): Promise<void> {
  await i.ctx.audit.append({
    userId: i.principal?.user.id ?? null,
    username: i.principal?.user.username ?? null,
    action,
    targetType: target?.type ?? null,
    targetId: target?.id ?? null,
    ip: i.req.ip,
    details,
  });
}

const sessionInfo = (p: Principal): z.output<typeof ROUTES.me.response.schema> => ({
  user: UserStore.toApi(p.user),
  csrfToken: p.session.csrf_token,
  expiresAt: p.session.expires_at,
});

/** What the audit log keeps of an archive search: the bank version, the class and the size of the answer, no hit. */
const searchDetails = (s: ArchiveSearch): Record<string, unknown> => ({
  bankVersion: s.bank.version,
  className: s.className,
  hits: s.hits.length,
  scanned: s.scanned,
});

/** `archive-<class>-<bank id>-v<version>.csv`, the class reduced to characters safe in a file name. */
const cohortFileName = (s: ArchiveSearch): string =>
  `archive-${s.className.replace(/[^A-Za-z0-9_.-]+/g, '_')}-${s.bank.id}-v${s.bank.version}.csv`;

/** The handlers of every route in `ROUTES` (the route table in src/serve/api/routes.ts). */
export const HANDLERS: Handlers = {
  health: async ({ ctx }) => ({
    ok: true,
    modelVersion: ctx.model.info.version,
    database: ctx.database.dialect,
    workers: ctx.model.workerTensors(),
  }),

  login: async (i) => {
    const { ctx, body, req, reply } = i;
    const user = await ctx.users.authenticate(body.username, body.password);
    if (!user) {
      await ctx.audit.append({ userId: null, username: null, action: 'login_failed', ip: req.ip });
      throw new HttpError(401, 'unauthorized', 'wrong user name or password, or the account is disabled');
    }
    const { secret, row } = await ctx.sessions.create(user.id, 'cookie', 'browser', SESSION_TTL_MS);
    setSessionCookie(req, reply, secret, SESSION_TTL_MS);
    const principal = { user, session: row };
    await audit({ ...i, principal }, 'login', { type: 'session', id: row.id });
    return sessionInfo(principal);
  },

  logout: async (i) => {
    const p = i.principal as Principal;
    await i.ctx.sessions.revoke(p.session.id);
    if (p.session.kind === 'cookie') clearSessionCookie(i.req, i.reply);
    await audit(i, 'logout', { type: 'session', id: p.session.id });
    return null;
  },

  me: async ({ principal }) => sessionInfo(principal as Principal),

  createToken: async (i) => {
    const p = i.principal as Principal;
    const ttl = i.body.days * 24 * 3600 * 1000;
    const { secret, row } = await i.ctx.sessions.create(p.user.id, 'token', i.body.name, ttl);
    await audit(i, 'token_create', { type: 'session', id: row.id }, { days: i.body.days });
    return { id: row.id, name: row.name, token: secret, expiresAt: row.expires_at };
  },

  changePassword: async (i) => {
    const p = i.principal as Principal;
    if (!(await i.ctx.users.hasPassword(p.user.id, i.body.currentPassword))) {
      await audit(i, 'password_change_failed', { type: 'user', id: p.user.id });
      throw new HttpError(403, 'wrong_password', 'the current password is wrong');
    }
    if (i.body.newPassword === i.body.currentPassword)
      throw badRequest('body.newPassword: the new password must differ from the current one');
    await i.ctx.users.update(p.user.id, { password: i.body.newPassword });
    // Whoever else holds one of this user's logins (a forgotten browser, a leaked token) is signed out.
    await i.ctx.sessions.revokeAllOf(p.user.id, p.session.id);
    await audit(i, 'password_change', { type: 'user', id: p.user.id }, { otherLoginsEnded: true });
    return null;
  },

  listUsers: async ({ ctx }) => ({ users: await ctx.users.list() }),

  createUser: async (i) => {
    if (await i.ctx.users.byUsername(i.body.username)) throw conflict(`user ${i.body.username} exists`);
    const user = await i.ctx.users.create(i.body);
    await audit(i, 'user_create', { type: 'user', id: user.id }, { role: user.role });
    return user;
  },

  updateUser: async (i) => {
    const p = i.principal as Principal;
    if (i.params.id === p.user.id && (i.body.disabled === true || i.body.role === 'clinician'))
      throw badRequest('you cannot disable yourself or take away your own admin role');
    const user = await i.ctx.users.update(i.params.id, i.body);
    if (!user) throw notFound(`user ${i.params.id}`);
    if (i.body.disabled === true || i.body.password !== undefined) await i.ctx.sessions.revokeAllOf(user.id);
    await audit(
      i,
      'user_change',
      { type: 'user', id: user.id },
      {
        fields: Object.keys(i.body).filter((k) => k !== 'password'),
        passwordChanged: i.body.password !== undefined,
      },
    );
    return user;
  },

  model: async ({ ctx }) => ctx.model.info,

  listModels: async (i) => {
    const models = await i.ctx.models.list(i.ctx.model.info.version);
    await audit(i, 'model_list', null, { models: models.length });
    return { models };
  },

  uploadCase: async (i) => {
    const req = i.req;
    if (!req.isMultipart()) throw new HttpError(415, 'bad_upload', 'send the ECG as multipart/form-data');
    async function* parts(): AsyncGenerator<UploadPart> {
      for await (const part of req.parts()) {
        if (part.type === 'file')
          yield { kind: 'file', filename: part.filename, stream: part.file, truncated: () => part.file.truncated };
        else yield { kind: 'field', name: part.fieldname, value: String(part.value) };
      }
    }
    const row = await uploadCase(i.ctx, parts(), actor(i));
    return fullCase(i.ctx, row);
  },

  listCases: async ({ ctx, query }) => {
    const { rows, total } = await ctx.cases.list(query);
    return { cases: await summaries(ctx, rows), total };
  },

  getCase: async ({ ctx, params }) => fullCase(ctx, await caseOf(ctx, params.id)),

  caseWaveform: async ({ ctx, params, query }) => {
    const row = await caseOf(ctx, params.id);
    try {
      return await ctx.model.waveform(recordRefOf(ctx, row), query.maxSamples);
    } catch (e) {
      if (e instanceof FewbeatError) throw new HttpError(422, 'cannot_read', e.message);
      throw e;
    }
  },

  caseAnalysis: async ({ ctx, params }) => caseAnalysis(ctx, params.id),

  predictCase: async (i) => {
    const p = await predict(i.ctx, i.params.id, i.body, who(i.principal));
    await audit(
      i,
      'prediction',
      { type: 'prediction', id: p.id },
      {
        caseId: p.caseId,
        bankId: p.bank.id,
        bankVersion: p.bank.version,
        modelVersion: p.modelVersion,
        inputSha256: p.inputSha256,
        predicted: p.predicted,
      },
    );
    return p;
  },

  casePredictions: async ({ ctx, params, query }) => ({
    predictions: await casePredictions(ctx, params.id, query),
    total: await ctx.predictions.countByCase(params.id),
  }),

  getPrediction: async ({ ctx, params }) => getPrediction(ctx, params.id),

  reviewPrediction: async (i) => {
    const r = await review(i.ctx, i.params.id, i.body, actor(i));
    await audit(
      i,
      'review',
      { type: 'prediction', id: r.prediction.id },
      {
        caseId: r.prediction.caseId,
        verdict: r.prediction.review?.verdict,
        finalClass: r.prediction.review?.finalClass,
      },
    );
    return r;
  },

  reportJson: async (i) => {
    const r = await caseReport(i.ctx, i.params.id, who(i.principal));
    await audit(i, 'export', { type: 'case', id: i.params.id }, { format: 'json' });
    return r;
  },

  reportHtml: async (i) => {
    const r = await caseReport(i.ctx, i.params.id, who(i.principal));
    await audit(i, 'export', { type: 'case', id: i.params.id }, { format: 'html' });
    void i.reply.type('text/html; charset=utf-8');
    return reportHtml(r);
  },

  listBanks: async ({ ctx }) => {
    const rows = await ctx.banks.list();
    const banks = [];
    for (const b of rows) {
      const v = await ctx.banks.version(b.id, b.current_version);
      banks.push(bankSummaryOf(b, v ? (JSON.parse(v.examples) as BankExample[]) : []));
    }
    return { banks };
  },

  createBank: async (i) => {
    return createBank(i.ctx, i.body.name, i.body.examples, actor(i));
  },

  getBank: async ({ ctx, params }) => bankVersion(ctx, params.id),

  bankVersions: async ({ ctx, params }) => {
    if (!(await ctx.banks.get(params.id))) throw notFound(`bank ${params.id}`);
    const rows = await ctx.banks.versions(params.id);
    return {
      versions: rows.map((v) => ({
        version: v.version,
        change: v.change,
        by: { id: v.created_by, username: v.author_username },
        at: v.created_at,
      })),
    };
  },

  getBankVersion: async ({ ctx, params }) => bankVersion(ctx, params.id, params.version),

  addBankExample: async (i) => {
    const e = i.body;
    const bank = await changeBank(i.ctx, i.params.id, actor(i), {
      describe: `added case ${e.caseId} as ${e.class}`,
      apply: (examples) => addExample(examples, e),
    });
    return bank;
  },

  relabelBankExample: async (i) => {
    const { id, caseId } = i.params;
    const bank = await changeBank(i.ctx, id, actor(i), {
      describe: `relabelled case ${caseId} as ${i.body.class}`,
      apply: (examples) => relabelExample(examples, caseId, i.body.class),
    });
    return bank;
  },

  removeBankExample: async (i) => {
    const { id, caseId } = i.params;
    const bank = await changeBank(i.ctx, id, actor(i), {
      describe: `removed case ${caseId}`,
      apply: (examples) => removeExample(examples, caseId),
    });
    return bank;
  },

  archive: async ({ ctx }) => archiveInfo(ctx),

  searchArchive: async (i) => {
    const found = await searchArchive(i.ctx, { ...i.body, from: 'body' });
    await audit(i, 'archive_search', { type: 'bank', id: found.bank.id }, searchDetails(found));
    return found;
  },

  exportArchiveCohort: async (i) => {
    const found = await searchArchive(i.ctx, { ...i.query, from: 'querystring' });
    const csv = searchCohortCsv(found);
    await audit(i, 'export', { type: 'bank', id: found.bank.id }, { format: 'cohort_csv', ...searchDetails(found) });
    void i.reply
      .type('text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="${cohortFileName(found)}"`);
    return csv;
  },

  listAudit: async (i) => i.ctx.audit.list(i.query),

  exportAudit: async (i) => {
    await audit(i, 'audit_export', null);
    const lines: string[] = [];
    for await (const e of i.ctx.audit.all()) lines.push(JSON.stringify(e));
    void i.reply
      .type('application/x-ndjson; charset=utf-8')
      .header('content-disposition', 'attachment; filename="fewbeat-audit.ndjson"');
    return `${lines.join('\n')}\n`;
  },
};
