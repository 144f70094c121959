import { readFileSync } from 'node:fs';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { multipartBody } from './multipart.js';

/** Who makes an injected request: a bearer token, or a session cookie with its CSRF token. */
export interface Caller {
  token?: string;
  cookie?: string;
  csrf?: string;
}

/** The headers that make a request `who`'s. */
function credentials(who: Caller): Record<string, string> {
  const headers: Record<string, string> = {};
  if (who.token) headers.authorization = `Bearer ${who.token}`;
  if (who.cookie) headers.cookie = who.cookie;
  if (who.csrf) headers['x-csrf-token'] = who.csrf;
  return headers;
}

/** Inject `method url` into `app` as `who`, with `body` as JSON when given. */
export function call(
  app: FastifyInstance,
  method: string,
  url: string,
  who: Caller = {},
  body?: unknown,
): Promise<LightMyRequestResponse> {
  const headers = credentials(who);
  if (body !== undefined) headers['content-type'] = 'application/json';
  return app.inject({
    method: method as 'GET',
    url,
    headers,
    ...(body !== undefined ? { payload: JSON.stringify(body) } : {}),
  });
}

/** A response's JSON body. */
export const json = <T>(r: LightMyRequestResponse): T => JSON.parse(r.body) as T;

/** Upload files (and form fields: `clinical`, `patientId`, `label`, `fs`) as a new case (POST /api/cases). */
export function uploadCase(
  app: FastifyInstance,
  who: Caller,
  files: ReadonlyArray<{ name: string; content: Buffer | string }>,
  fields: Record<string, string> = {},
): Promise<LightMyRequestResponse> {
  const { payload, headers } = multipartBody(files, fields);
  return app.inject({ method: 'POST', url: '/api/cases', payload, headers: { ...headers, ...credentials(who) } });
}

/** A record on disk with its files and the child's age and sex (a tiny-cohort record). */
export interface RecordOnDisk {
  files: ReadonlyArray<{ name: string; path: string }>;
  ageYears: number | null;
  sex: string | null;
}

/** The files of a record, read. */
export const filesOf = (r: RecordOnDisk): Array<{ name: string; content: Buffer }> =>
  r.files.map((f) => ({ name: f.name, content: readFileSync(f.path) }));

/** Upload a record as a case, with its age and sex as the clinical context. */
export function uploadRecord(
  app: FastifyInstance,
  who: Caller,
  r: RecordOnDisk,
  fields: Record<string, string> = {},
): Promise<LightMyRequestResponse> {
  return uploadCase(app, who, filesOf(r), {
    clinical: JSON.stringify({ age_years: r.ageYears, sex: r.sex }),
    ...fields,
  });
}
