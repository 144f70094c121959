import { randomBytes } from 'node:crypto';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tinyModel } from '../../test-utils/tiny-model.js';
import { ROUTES, type RouteSpec } from '../api/routes.js';
import { registeredRoutes, type RegisteredRoute } from '../test-support/route-table.js';
import { testService } from '../test-support/test-service.js';

/**
 * The authentication and authorisation sweep: every route the server answers, read from fastify's
 * router (so a route added later is swept without editing this test), is tried without a login,
 * with forged, malformed, expired and revoked credentials, with a clinician's login on admin routes,
 * and as a cross-site request carrying the session cookie without its CSRF token. Each attempt must
 * be refused with 401 (no live login) or 403 (wrong role, missing CSRF token) and leave one
 * `access_denied` entry in the audit log naming the route.
 */

type Headers = Record<string, string>;
interface Attempt {
  what: string;
  headers: Headers;
  status: 401 | 403;
  code: string;
}

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const forgedSecret = (): string => randomBytes(32).toString('base64url');
const bearer = (token: string): Headers => ({ authorization: `Bearer ${token}` });
const cookie = (secret: string): Headers => ({ cookie: `fewbeat_session=${secret}` });
/** What a page on another site makes a browser send: the cookie (were SameSite not to stop it), its own origin. */
const crossSite = (secret: string): Headers => ({
  ...cookie(secret),
  origin: 'https://elsewhere.example',
  'sec-fetch-site': 'cross-site',
});

/** The route table's spec of a registered route (HEAD is answered by its GET route), if it has one. */
function specOf(r: RegisteredRoute): RouteSpec | undefined {
  const method = r.method === 'HEAD' ? 'GET' : r.method;
  return (Object.values(ROUTES) as RouteSpec[]).find((s) => s.method === method && s.url === r.url);
}

/** Anonymous callers may reach the public routes of the route table and the API documentation, nothing else. */
const isPublic = (r: RegisteredRoute): boolean =>
  specOf(r)?.roles === 'public' || r.url === '/api/docs' || r.url.startsWith('/api/docs/');

const sampleUrl = (url: string): string => url.replace(/:[A-Za-z]+/g, 'nothing_here').replace(/\*/g, 'x');

describe('every route of the service', () => {
  let tiny: Awaited<ReturnType<typeof tinyModel>>;
  let svc: Awaited<ReturnType<typeof testService>>;
  let app: FastifyInstance;
  const credentials: Record<string, Headers> = {};
  let adminSession = { secret: '', csrf: '' };
  let clinicianSession = { secret: '', csrf: '' };

  const inject = (method: string, url: string, headers: Headers, body?: unknown): Promise<LightMyRequestResponse> =>
    app.inject({
      method: method as 'GET',
      url,
      headers: body === undefined ? headers : { ...headers, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { payload: JSON.stringify(body) }),
    });

  async function login(username: string, password: string): Promise<{ secret: string; csrf: string }> {
    const r = await inject('POST', '/api/auth/login', {}, { username, password });
    expect(r.statusCode, r.body).toBe(200);
    const secret = r.cookies.find((c) => c.name === 'fewbeat_session')!.value;
    return { secret, csrf: (JSON.parse(r.body) as { csrfToken: string }).csrfToken };
  }

  async function token(session: { secret: string; csrf: string }): Promise<string> {
    const r = await inject(
      'POST',
      '/api/auth/tokens',
      { ...cookie(session.secret), 'x-csrf-token': session.csrf },
      {
        name: 'sweep',
      },
    );
    expect(r.statusCode, r.body).toBe(201);
    return (JSON.parse(r.body) as { token: string }).token;
  }

  beforeAll(async () => {
    tiny = await tinyModel();
    svc = await testService('sqlite', tiny.modelDir, { limits: { loginPerMinute: 1000 } });
    app = svc.app;
    await app.ready();
    adminSession = await login('admin', 'admin-password-1');
    const adminCookie = { ...cookie(adminSession.secret), 'x-csrf-token': adminSession.csrf };
    const made = await inject('POST', '/api/users', adminCookie, {
      username: 'dr.lin',
      displayName: 'Dr Lin',
      role: 'clinician',
      password: 'clinician-password-1',
    });
    expect(made.statusCode, made.body).toBe(201);
    const clinicianId = (JSON.parse(made.body) as { id: string }).id;
    clinicianSession = await login('dr.lin', 'clinician-password-1');
    credentials.clinicianToken = bearer(await token(clinicianSession));
    const revoked = await token(clinicianSession);
    expect((await inject('POST', '/api/auth/logout', bearer(revoked))).statusCode).toBe(204);
    credentials.revokedToken = bearer(revoked);
    credentials.expiredToken = bearer((await svc.ctx.sessions.create(clinicianId, 'token', 'old', -60_000)).secret);
    const expiredCookie = await svc.ctx.sessions.create(clinicianId, 'cookie', 'browser', -60_000);
    credentials.expiredCookie = { ...cookie(expiredCookie.secret), 'x-csrf-token': expiredCookie.row.csrf_token! };
    credentials.cookieSecretAsToken = bearer(clinicianSession.secret);
  });
  afterAll(async () => {
    await svc?.stop();
    tiny?.cleanup();
  });

  function attemptsOn(r: RegisteredRoute): Attempt[] {
    const spec = specOf(r);
    const refusedLogin = (what: string, headers: Headers): Attempt => ({
      what,
      headers,
      status: 401,
      code: 'unauthorized',
    });
    const attempts: Attempt[] = [
      refusedLogin('without a login', {}),
      refusedLogin('with a forged bearer token', bearer(forgedSecret())),
      refusedLogin('with a malformed Authorization header', { authorization: `Basic ${forgedSecret()}` }),
      refusedLogin('with a forged session cookie', cookie(forgedSecret())),
      refusedLogin('with an expired bearer token', credentials.expiredToken!),
      refusedLogin('with an expired session cookie and its CSRF token', credentials.expiredCookie!),
      refusedLogin('with a revoked bearer token', credentials.revokedToken!),
      refusedLogin('with a session cookie secret sent as a bearer token', credentials.cookieSecretAsToken!),
    ];
    if (spec !== undefined && spec.roles !== 'public' && !spec.roles.includes('clinician')) {
      attempts.push({
        what: "with a clinician's token",
        headers: credentials.clinicianToken!,
        status: 403,
        code: 'forbidden',
      });
      if (!UNSAFE.has(r.method))
        attempts.push({
          what: "with a clinician's session cookie",
          headers: cookie(clinicianSession.secret),
          status: 403,
          code: 'forbidden',
        });
    }
    if (UNSAFE.has(r.method)) {
      attempts.push({
        what: "cross-site with the admin's session cookie and no CSRF token",
        headers: crossSite(adminSession.secret),
        status: 403,
        code: 'csrf',
      });
      attempts.push({
        what: "with the admin's session cookie and another session's CSRF token",
        headers: { ...cookie(adminSession.secret), 'x-csrf-token': clinicianSession.csrf },
        status: 403,
        code: 'csrf',
      });
    }
    return attempts;
  }

  const deniedCount = async (): Promise<number> =>
    (await svc.ctx.audit.list({ action: 'access_denied', limit: 1, offset: 0 })).total;

  it('finds every route of the route table among the routes the server answers', () => {
    const registered = registeredRoutes(app);
    for (const spec of Object.values(ROUTES) as RouteSpec[])
      expect(registered, `${spec.method} ${spec.url}`).toContainEqual({ method: spec.method, url: spec.url });
  });

  it('refuses every guarded route without a live login, to the wrong role and cross-site, and audits it', async () => {
    const guarded = registeredRoutes(app).filter((r) => !isPublic(r));
    expect(guarded.length).toBeGreaterThan(20);
    let tried = 0;
    for (const r of guarded) {
      for (const a of attemptsOn(r)) {
        const before = await deniedCount();
        const res = await inject(r.method, sampleUrl(r.url), a.headers, UNSAFE.has(r.method) ? {} : undefined);
        const label = `${r.method} ${r.url} ${a.what}`;
        expect(res.statusCode, `${label}: ${res.body}`).toBe(a.status);
        if (r.method !== 'HEAD') expect((JSON.parse(res.body) as { error: string }).error, label).toBe(a.code);
        expect(await deniedCount(), `${label}: audited`).toBe(before + 1);
        const [entry] = (await svc.ctx.audit.list({ action: 'access_denied', limit: 1, offset: 0 })).entries;
        expect(entry, label).toMatchObject({
          targetType: 'route',
          targetId: `${r.method} ${r.url}`,
          ip: '127.0.0.1',
          details: { status: a.status, reason: a.code },
        });
        expect(JSON.stringify(entry), `${label}: no secret in the audit log`).not.toMatch(/Bearer|fewbeat_session/);
        tried++;
      }
    }
    console.log(`route guard sweep: ${guarded.length} guarded routes, ${tried} refused attempts, each audited`);
  });

  it('names the user in the audit entry of a refusal when the login was recognised', async () => {
    await inject('GET', '/api/audit', credentials.clinicianToken!);
    const [entry] = (await svc.ctx.audit.list({ action: 'access_denied', limit: 1, offset: 0 })).entries;
    expect(entry).toMatchObject({ username: 'dr.lin', details: { status: 403, reason: 'forbidden', login: 'token' } });
  });

  it('lets anonymous callers reach the health check, the login and the API documentation only', async () => {
    const open = registeredRoutes(app).filter(isPublic);
    expect(open.map((r) => `${r.method} ${r.url}`)).toEqual(
      expect.arrayContaining(['GET /api/health', 'POST /api/auth/login', 'GET /api/docs/json']),
    );
    for (const r of open.filter((x) => x.method === 'GET' && !x.url.includes('*') && !x.url.includes(':')))
      expect((await inject('GET', r.url, {})).statusCode, r.url).toBeLessThan(400);
  });
});
