import fastifyCookie from '@fastify/cookie';
import fastifyHelmet from '@fastify/helmet';
import fastifyMultipart from '@fastify/multipart';
import fastifyRateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyError, type FastifyInstance, type FastifyRequest } from 'fastify';
import {
  jsonSchemaTransform,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import { isFewbeatError } from '../../errors.js';
import { ROUTES, type RouteName, type RouteSpec } from '../api/routes.js';
import { errorBodySchema } from '../api/schemas.js';
import type { ServeContext } from '../app/context.js';
import { webRoot } from '../web-root.js';
import type { Principal } from '../store/sessions.js';
import { authorise } from './auth.js';
import { HANDLERS, type HandlerInput } from './handlers.js';
import { HttpError } from './http-error.js';

/** Limits of what one request may bring. */
export const LIMITS = {
  /** JSON bodies. */
  bodyBytes: 1024 * 1024,
  /** Each uploaded file (a 24-h 12-lead Holter at 500 Hz in format 16 is ~1 GB: beyond this service's purpose). */
  fileBytes: 50 * 1024 * 1024,
  files: 8,
  fields: 8,
  fieldBytes: 20_000,
  /** Login (and password change) attempts per client address and minute. */
  loginPerMinute: 10,
  /** Archive searches (and cohort exports) per client address and minute. */
  searchesPerMinute: 60,
};

export interface ServerOptions {
  /** pino logger options, or false. */
  logger?: boolean | object;
  /** Trust X-Forwarded-* from a TLS-terminating proxy (so that cookies are Secure behind it). */
  trustProxy?: boolean;
  /** Serve the web app's built files at `/` (default: when built, see web-root.ts). */
  webRoot?: string | null;
  /** Tighter (or looser) request limits than `LIMITS`. */
  limits?: Partial<typeof LIMITS>;
}

/**
 * The fewbeat HTTP service: every route of the route table (src/serve/api/routes.ts) with its
 * zod schemas (validation, serialisation and the OpenAPI document at /api/docs), the role guard
 * and CSRF check before each handler, security headers (helmet), login rate limiting, body and
 * upload limits, and errors answered as `{ error, message }` in one line. Request logs carry the
 * method and path (case ids) but no query string, where a search for a patient key could be.
 */
export async function buildServer(ctx: ServeContext, opts: ServerOptions = {}): Promise<FastifyInstance> {
  const limits = { ...LIMITS, ...opts.limits };
  const app = Fastify({
    logger:
      opts.logger === false || opts.logger === undefined
        ? false
        : {
            ...(typeof opts.logger === 'object' ? opts.logger : {}),
            serializers: {
              req: (req: FastifyRequest) => ({
                method: req.method,
                url: req.url.split('?')[0],
                remoteAddress: req.ip,
              }),
            },
          },
    bodyLimit: limits.bodyBytes,
    trustProxy: opts.trustProxy ?? false,
    requestTimeout: 120_000,
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);

  await app.register(fastifyHelmet, {
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        frameAncestors: ["'none'"],
        formAction: ["'self'"],
        // Not on a plain-http loopback or intranet address: it would send the page's own requests to https.
        upgradeInsecureRequests: null,
      },
    },
  });
  await app.register(fastifyCookie);
  await app.register(fastifyMultipart, {
    limits: {
      fileSize: limits.fileBytes,
      files: limits.files,
      fields: limits.fields,
      fieldSize: limits.fieldBytes,
      parts: limits.files + limits.fields,
      headerPairs: 100,
    },
  });
  await app.register(fastifyRateLimit, { global: false });
  await app.register(fastifySwagger, {
    openapi: {
      info: {
        title: 'fewbeat',
        description:
          'Few-shot decision support for pediatric ECGs: cases, analysis, ' +
          'prototype banks, predictions, reviews, audit.',
        version: '1',
      },
      components: {
        securitySchemes: {
          session: { type: 'apiKey', in: 'cookie', name: 'fewbeat_session' },
          bearer: { type: 'http', scheme: 'bearer' },
        },
      },
    },
    transform: jsonSchemaTransform,
  });
  await app.register(fastifySwaggerUi, { routePrefix: '/api/docs', staticCSP: true });

  app.setErrorHandler((error: FastifyError, req, reply) => {
    const send = (status: number, code: string, message: string) =>
      reply
        .status(status)
        .type('application/json')
        .send(JSON.stringify({ error: code, message: oneLine(message) }));
    if (error instanceof HttpError) return send(error.status, error.code, error.message);
    if (error.validation) {
      const v = error.validation[0];
      const where =
        `${error.validationContext ?? 'request'}` + `${v?.instancePath ? v.instancePath.replace(/\//g, '.') : ''}`;
      return send(400, 'bad_request', `${where}: ${v?.message ?? error.message}`);
    }
    if (isFewbeatError(error)) return send(400, 'bad_request', error.message);
    const status = error.statusCode ?? 500;
    if (status === 429) return send(429, 'rate_limited', 'too many requests: wait a minute');
    if (status === 413 || error.code === 'FST_REQ_FILE_TOO_LARGE') return send(413, 'too_large', error.message);
    if (['FST_FILES_LIMIT', 'FST_PARTS_LIMIT', 'FST_FIELDS_LIMIT'].includes(error.code))
      return send(413, 'too_large', error.message);
    if (status >= 400 && status < 500) return send(status, 'bad_request', error.message);
    req.log.error({ err: error }, 'internal error');
    return send(500, 'internal', 'internal error: the service logged it');
  });

  const api = app.withTypeProvider<ZodTypeProvider>();
  const principals = new WeakMap<FastifyRequest, Principal>();
  for (const [name, spec] of Object.entries(ROUTES) as Array<[RouteName, RouteSpec]>) {
    const handler = HANDLERS[name] as (i: HandlerInput<RouteName>) => Promise<unknown>;
    const response: Record<number, unknown> = { 400: errorBodySchema, 401: errorBodySchema, 403: errorBodySchema };
    if (spec.response.schema) response[spec.response.status] = spec.response.schema;
    api.route({
      method: spec.method,
      url: spec.url,
      config: spec.rateLimit
        ? {
            rateLimit: {
              max: spec.rateLimit === 'login' ? limits.loginPerMinute : limits.searchesPerMinute,
              timeWindow: 60_000,
            },
          }
        : {},
      schema: {
        summary: spec.summary,
        tags: [spec.tag],
        ...(spec.roles === 'public' ? {} : { security: [{ session: [] }, { bearer: [] }] }),
        ...(spec.params ? { params: spec.params } : {}),
        ...(spec.querystring ? { querystring: spec.querystring } : {}),
        ...(spec.body ? { body: spec.body } : {}),
        ...(spec.multipart ? { consumes: ['multipart/form-data'] } : {}),
        ...(spec.produces ? { produces: [spec.produces] } : {}),
        response,
      },
      // The guard runs first, before the body is parsed or validated: an anonymous or unauthorised
      // request learns nothing about the route's input and sends no upload into the parser.
      onRequest: async (req) => {
        if (spec.roles !== 'public') principals.set(req, await authorise(ctx, req, spec.roles));
      },
      handler: async (req, reply) => {
        const principal = principals.get(req) ?? null;
        const out = await handler({
          body: req.body as never,
          params: req.params as never,
          query: req.query as never,
          principal,
          ctx,
          req,
          reply,
        });
        reply.status(spec.response.status);
        if (spec.response.status === 204) return reply.send();
        return out;
      },
    });
  }

  const root = opts.webRoot === undefined ? webRoot() : opts.webRoot;
  if (root) {
    await app.register(fastifyStatic, { root, prefix: '/', wildcard: false });
    // The web app routes in the browser: unknown non-API paths get its index.html.
    app.setNotFoundHandler((req, reply) => {
      if (req.method === 'GET' && !req.url.startsWith('/api/')) return reply.sendFile('index.html');
      return reply.status(404).send({ error: 'not_found', message: `no route ${req.method} ${req.url.split('?')[0]}` });
    });
  } else {
    app.setNotFoundHandler((req, reply) =>
      reply.status(404).send({ error: 'not_found', message: `no route ${req.method} ${req.url.split('?')[0]}` }),
    );
  }
  return app;
}

const oneLine = (s: string): string => s.replace(/\s*\n\s*/g, ' ').slice(0, 500);
