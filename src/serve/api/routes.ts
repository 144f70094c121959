import type { z } from 'zod';
import * as s from './schemas.js';
import type { Role } from './schemas.js';

/**
 * The route table of the fewbeat HTTP API: method, path, who may call it, and its schemas. The
 * server registers exactly these (src/serve/http/register-routes.ts), so this table, the validation
 * and the OpenAPI document at `/api/docs` cannot drift apart.
 *
 * `roles`: `public` (no login), or the roles allowed. Cookie sessions must send the CSRF token
 * (header `x-csrf-token`) on every POST/PATCH/DELETE; bearer tokens need none.
 */
export interface RouteSpec {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  url: string;
  roles: 'public' | readonly Role[];
  summary: string;
  tag: 'auth' | 'users' | 'model' | 'cases' | 'banks' | 'predictions' | 'archive' | 'audit' | 'health';
  params?: z.ZodType;
  querystring?: z.ZodType;
  body?: z.ZodType;
  /** Success status and schema (JSON), or `null` for 204 and for the other media of `produces`. */
  response: { status: number; schema: z.ZodType | null };
  produces?: 'text/html' | 'application/x-ndjson' | 'text/csv';
  /** multipart/form-data upload (fields documented in `caseUploadFieldsSchema`). */
  multipart?: boolean;
  /**
   * Requests per minute and client address are limited: `login`, attempts at a password (guessing);
   * `search`, archive searches (each scans the whole archive).
   */
  rateLimit?: 'login' | 'search';
}

const CLINICAL: readonly Role[] = ['clinician', 'admin'];
const ADMIN: readonly Role[] = ['admin'];

export const ROUTES = {
  health: {
    method: 'GET',
    url: '/api/health',
    roles: 'public',
    summary: 'service is up; model and database in use',
    tag: 'health',
    response: { status: 200, schema: s.healthSchema },
  },
  login: {
    method: 'POST',
    url: '/api/auth/login',
    roles: 'public',
    summary: 'sign in: sets the HttpOnly session cookie and returns the CSRF token (rate limited)',
    tag: 'auth',
    rateLimit: 'login',
    body: s.loginBodySchema,
    response: { status: 200, schema: s.sessionInfoSchema },
  },
  logout: {
    method: 'POST',
    url: '/api/auth/logout',
    roles: CLINICAL,
    summary: 'sign out: end the login (or revoke this bearer token)',
    tag: 'auth',
    response: { status: 204, schema: null },
  },
  me: {
    method: 'GET',
    url: '/api/auth/me',
    roles: CLINICAL,
    summary: 'who is signed in, with the CSRF token of the session',
    tag: 'auth',
    response: { status: 200, schema: s.sessionInfoSchema },
  },
  createToken: {
    method: 'POST',
    url: '/api/auth/tokens',
    roles: CLINICAL,
    summary: 'a bearer token for scripts, acting as the signed-in user',
    tag: 'auth',
    body: s.createTokenBodySchema,
    response: { status: 201, schema: s.createdTokenSchema },
  },
  changePassword: {
    method: 'POST',
    url: '/api/auth/password',
    roles: CLINICAL,
    summary: 'change your own password (the current one required); ends your other logins and tokens',
    tag: 'auth',
    rateLimit: 'login',
    body: s.changePasswordBodySchema,
    response: { status: 204, schema: null },
  },
  listUsers: {
    method: 'GET',
    url: '/api/users',
    roles: ADMIN,
    summary: 'all users',
    tag: 'users',
    response: { status: 200, schema: s.userListSchema },
  },
  createUser: {
    method: 'POST',
    url: '/api/users',
    roles: ADMIN,
    summary: 'add a user',
    tag: 'users',
    body: s.createUserBodySchema,
    response: { status: 201, schema: s.userSchema },
  },
  updateUser: {
    method: 'PATCH',
    url: '/api/users/:id',
    roles: ADMIN,
    summary: 'change role, name, password, or disable a user (disabling ends their sessions)',
    tag: 'users',
    params: s.idParamsSchema,
    body: s.updateUserBodySchema,
    response: { status: 200, schema: s.userSchema },
  },
  model: {
    method: 'GET',
    url: '/api/model',
    roles: CLINICAL,
    summary: 'the model in use: version, leads, classes and clinical schema',
    tag: 'model',
    response: { status: 200, schema: s.modelInfoSchema },
  },
  listModels: {
    method: 'GET',
    url: '/api/models',
    roles: ADMIN,
    summary: 'the models this service has run with or that its banks and predictions name; which one is active',
    tag: 'model',
    response: { status: 200, schema: s.knownModelListSchema },
  },
  uploadCase: {
    method: 'POST',
    url: '/api/cases',
    roles: CLINICAL,
    summary: 'upload one ECG (several files of one record) with the clinical context',
    tag: 'cases',
    multipart: true,
    response: { status: 201, schema: s.caseSchema },
  },
  listCases: {
    method: 'GET',
    url: '/api/cases',
    roles: CLINICAL,
    summary: 'list and search cases, newest first',
    tag: 'cases',
    querystring: s.caseListQuerySchema,
    response: { status: 200, schema: s.caseListSchema },
  },
  getCase: {
    method: 'GET',
    url: '/api/cases/:id',
    roles: CLINICAL,
    summary: "one case, with the same patient's earlier cases",
    tag: 'cases',
    params: s.idParamsSchema,
    response: { status: 200, schema: s.caseSchema },
  },
  caseWaveform: {
    method: 'GET',
    url: '/api/cases/:id/waveform',
    roles: CLINICAL,
    summary: 'the ECG samples for drawing',
    tag: 'cases',
    params: s.idParamsSchema,
    querystring: s.waveformQuerySchema,
    response: { status: 200, schema: s.waveformSchema },
  },
  caseAnalysis: {
    method: 'GET',
    url: '/api/cases/:id/analysis',
    roles: CLINICAL,
    summary: 'measurements (HR, PR, QRS, QT, QTc with age z-scores and flags), signal quality, R peaks, median beats',
    tag: 'cases',
    params: s.idParamsSchema,
    response: { status: 200, schema: s.analysisSchema },
  },
  predictCase: {
    method: 'POST',
    url: '/api/cases/:id/predictions',
    roles: CLINICAL,
    summary: 'classify the case against a bank: probabilities, abstention, nearest examples, occlusion',
    tag: 'predictions',
    params: s.idParamsSchema,
    body: s.predictBodySchema,
    response: { status: 201, schema: s.predictionSchema },
  },
  casePredictions: {
    method: 'GET',
    url: '/api/cases/:id/predictions',
    roles: CLINICAL,
    summary: "the case's predictions, newest first, a page at a time (limit, offset)",
    tag: 'predictions',
    params: s.idParamsSchema,
    querystring: s.predictionListQuerySchema,
    response: { status: 200, schema: s.predictionListSchema },
  },
  getPrediction: {
    method: 'GET',
    url: '/api/predictions/:id',
    roles: CLINICAL,
    summary: 'one prediction with its review',
    tag: 'predictions',
    params: s.idParamsSchema,
    response: { status: 200, schema: s.predictionSchema },
  },
  reviewPrediction: {
    method: 'POST',
    url: '/api/predictions/:id/review',
    roles: CLINICAL,
    summary: 'confirm or correct a prediction with a note; optionally add the case to a bank',
    tag: 'predictions',
    params: s.idParamsSchema,
    body: s.reviewBodySchema,
    response: { status: 201, schema: s.reviewResultSchema },
  },
  reportJson: {
    method: 'GET',
    url: '/api/cases/:id/report.json',
    roles: CLINICAL,
    summary: 'case report (case, analysis, predictions, reviews) as JSON',
    tag: 'cases',
    params: s.idParamsSchema,
    response: { status: 200, schema: s.caseReportSchema },
  },
  reportHtml: {
    method: 'GET',
    url: '/api/cases/:id/report.html',
    roles: CLINICAL,
    summary: 'case report as a printable HTML page',
    tag: 'cases',
    params: s.idParamsSchema,
    produces: 'text/html',
    response: { status: 200, schema: null },
  },
  listBanks: {
    method: 'GET',
    url: '/api/banks',
    roles: CLINICAL,
    summary: 'prototype banks',
    tag: 'banks',
    response: { status: 200, schema: s.bankListSchema },
  },
  createBank: {
    method: 'POST',
    url: '/api/banks',
    roles: CLINICAL,
    summary: 'create a bank from cases (K examples per class, named by the clinician)',
    tag: 'banks',
    body: s.createBankBodySchema,
    response: { status: 201, schema: s.bankSchema },
  },
  getBank: {
    method: 'GET',
    url: '/api/banks/:id',
    roles: CLINICAL,
    summary: 'the current version of a bank',
    tag: 'banks',
    params: s.idParamsSchema,
    response: { status: 200, schema: s.bankSchema },
  },
  bankVersions: {
    method: 'GET',
    url: '/api/banks/:id/versions',
    roles: CLINICAL,
    summary: 'every version of a bank, newest first',
    tag: 'banks',
    params: s.idParamsSchema,
    response: { status: 200, schema: s.bankVersionListSchema },
  },
  getBankVersion: {
    method: 'GET',
    url: '/api/banks/:id/versions/:version',
    roles: CLINICAL,
    summary: 'one version of a bank',
    tag: 'banks',
    params: s.bankVersionParamsSchema,
    response: { status: 200, schema: s.bankSchema },
  },
  addBankExample: {
    method: 'POST',
    url: '/api/banks/:id/examples',
    roles: CLINICAL,
    summary: 'add a case as an example of a class (new version)',
    tag: 'banks',
    params: s.idParamsSchema,
    body: s.addExampleBodySchema,
    response: { status: 201, schema: s.bankSchema },
  },
  relabelBankExample: {
    method: 'PATCH',
    url: '/api/banks/:id/examples/:caseId',
    roles: CLINICAL,
    summary: 'relabel an example (new version)',
    tag: 'banks',
    params: s.bankExampleParamsSchema,
    body: s.relabelExampleBodySchema,
    response: { status: 200, schema: s.bankSchema },
  },
  removeBankExample: {
    method: 'DELETE',
    url: '/api/banks/:id/examples/:caseId',
    roles: CLINICAL,
    summary: 'remove an example (new version)',
    tag: 'banks',
    params: s.bankExampleParamsSchema,
    response: { status: 200, schema: s.bankSchema },
  },
  archive: {
    method: 'GET',
    url: '/api/archive',
    roles: CLINICAL,
    summary: 'the archive index the service searches (windows, recordings, model), or null',
    tag: 'archive',
    response: { status: 200, schema: s.archiveInfoSchema },
  },
  searchArchive: {
    method: 'POST',
    url: '/api/archive/search',
    roles: CLINICAL,
    summary: "rank the archive's ECG windows by a bank version's probability of a class, with their measurements",
    tag: 'archive',
    rateLimit: 'search',
    body: s.archiveSearchBodySchema,
    response: { status: 200, schema: s.archiveSearchSchema },
  },
  exportArchiveCohort: {
    method: 'GET',
    url: '/api/archive/cohort.csv',
    roles: CLINICAL,
    summary: 'the hits of an archive search as a cohort manifest (manifest.csv, as fewbeat search writes it)',
    tag: 'archive',
    rateLimit: 'search',
    querystring: s.archiveExportQuerySchema,
    produces: 'text/csv',
    response: { status: 200, schema: null },
  },
  listAudit: {
    method: 'GET',
    url: '/api/audit',
    roles: ADMIN,
    summary: 'the audit log, newest first (read only: no route edits it)',
    tag: 'audit',
    querystring: s.auditQuerySchema,
    response: { status: 200, schema: s.auditListSchema },
  },
  exportAudit: {
    method: 'GET',
    url: '/api/audit/export',
    roles: ADMIN,
    summary: 'the whole audit log as NDJSON (one entry per line, oldest first)',
    tag: 'audit',
    produces: 'application/x-ndjson',
    response: { status: 200, schema: null },
  },
} as const satisfies Record<string, RouteSpec>;

export type RouteName = keyof typeof ROUTES;
