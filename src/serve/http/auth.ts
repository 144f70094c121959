import { timingSafeEqual } from 'node:crypto';
import type {} from '@fastify/cookie';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Role } from '../api/schemas.js';
import type { ServeContext } from '../app/context.js';
import type { Principal } from '../store/sessions.js';
import { HttpError } from './http-error.js';

export const SESSION_COOKIE = 'fewbeat_session';
export const CSRF_HEADER = 'x-csrf-token';
/** A browser session lasts 12 hours (one clinical shift and some). */
export const SESSION_TTL_MS = 12 * 3600 * 1000;

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

function sameToken(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * Who is calling, from the `Authorization: Bearer <token>` header (scripts) or the session cookie
 * (browsers), or null. A malformed Authorization header is refused (401).
 */
export async function principalOf(ctx: ServeContext, req: FastifyRequest): Promise<Principal | null> {
  const auth = req.headers.authorization;
  if (auth !== undefined) {
    const m = /^Bearer\s+([A-Za-z0-9_-]{20,100})$/.exec(auth);
    if (!m) throw new HttpError(401, 'unauthorized', 'malformed Authorization header: expected "Bearer <token>"');
    return ctx.sessions.resolve(m[1] as string, 'token');
  }
  const cookie = req.cookies[SESSION_COOKIE];
  if (cookie === undefined || cookie === '') return null;
  return ctx.sessions.resolve(cookie, 'cookie');
}

/**
 * CSRF protection for cookie sessions (synchronizer token pattern, OWASP CSRF Prevention Cheat
 * Sheet): every session has a random token, handed to the page at login and by `/api/auth/me`, that
 * must come back in the `x-csrf-token` header of every POST/PATCH/DELETE. Another site can make a
 * browser send the cookie (if SameSite did not already stop it) but can neither read nor send that
 * header. Bearer tokens are never sent by a browser on its own, so they need no CSRF token.
 */
function requireCsrfToken(req: FastifyRequest, principal: Principal): void {
  if (principal.session.kind !== 'cookie' || !UNSAFE.has(req.method)) return;
  const sent = req.headers[CSRF_HEADER];
  if (typeof sent !== 'string' || !sameToken(sent, principal.session.csrf_token ?? ''))
    throw new HttpError(
      403,
      'csrf',
      `missing or wrong ${CSRF_HEADER} header (send the token from login or /api/auth/me)`,
    );
}

/**
 * The route guard: 401 without a live login, 403 for a role the route does not admit or a cookie
 * request without its CSRF token. Every refusal is audited (`access_denied`: the route, the status
 * and the reason, and the user when the login was recognised); the secret that was sent never is.
 */
export async function authorise(ctx: ServeContext, req: FastifyRequest, roles: readonly Role[]): Promise<Principal> {
  let principal: Principal | null = null;
  try {
    principal = await principalOf(ctx, req);
    if (!principal) throw new HttpError(401, 'unauthorized', 'sign in first (session cookie or bearer token)');
    requireCsrfToken(req, principal);
    if (!roles.includes(principal.user.role))
      throw new HttpError(
        403,
        'forbidden',
        `this needs the role ${roles.join(' or ')}; you are ${principal.user.role}`,
      );
    return principal;
  } catch (e) {
    if (e instanceof HttpError)
      await ctx.audit.append({
        userId: principal?.user.id ?? null,
        username: principal?.user.username ?? null,
        action: 'access_denied',
        targetType: 'route',
        targetId: `${req.method} ${req.routeOptions.url ?? '?'}`,
        ip: req.ip,
        details: { status: e.status, reason: e.code, login: principal?.session.kind ?? null },
      });
    throw e;
  }
}

/** Set the session cookie: HttpOnly, SameSite=Strict, Secure when the request came over TLS. */
export function setSessionCookie(req: FastifyRequest, reply: FastifyReply, secret: string, maxAgeMs: number): void {
  reply.setCookie(SESSION_COOKIE, secret, {
    path: '/',
    httpOnly: true,
    sameSite: 'strict',
    secure: req.protocol === 'https',
    maxAge: Math.floor(maxAgeMs / 1000),
  });
}

export function clearSessionCookie(req: FastifyRequest, reply: FastifyReply): void {
  reply.clearCookie(SESSION_COOKIE, {
    path: '/',
    httpOnly: true,
    sameSite: 'strict',
    secure: req.protocol === 'https',
  });
}
