import type { FastifyInstance, LightMyRequestResponse } from 'fastify';

/** Who makes an injected request: a bearer token, or a session cookie with its CSRF token. */
export interface Caller {
  token?: string;
  cookie?: string;
  csrf?: string;
}

/** Inject `method url` into `app` as `who`, with `body` as JSON when given. */
export function call(
  app: FastifyInstance,
  method: string,
  url: string,
  who: Caller = {},
  body?: unknown,
): Promise<LightMyRequestResponse> {
  const headers: Record<string, string> = {};
  if (who.token) headers.authorization = `Bearer ${who.token}`;
  if (who.cookie) headers.cookie = who.cookie;
  if (who.csrf) headers['x-csrf-token'] = who.csrf;
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
