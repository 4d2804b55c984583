// Assembles the HTTP server: body parsing and limits, authentication, OpenAPI and docs, operations
// routes, and one encapsulated plugin per dialect (each owning its error envelope).
import { randomBytes } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import Fastify, { LogController, type FastifyInstance } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { SerializerFactory } from '@fastify/fast-json-stringify-compiler';
import type { Actor } from '../model/types.ts';
import { createRenderer, type Renderer } from './render-pool.ts';
import type { Registry } from '../registry/index.ts';
import { lazySerializers } from './serialization.ts';
import { ping } from '../store/db.ts';
import { Authenticator } from './auth.ts';
import type { Config } from './config.ts';
import { installJsonParser } from './json-body.ts';
import {
  ErrorRoutes,
  MAX_PATH_SEGMENT,
  frameworkErrors,
  installErrorRoutes,
  methodNotServed,
} from './framework-errors.ts';
import { installValidation } from './validation.ts';
import { toProblem } from '../dialects/common/errors.ts';
import { ReadCache, installReadCache } from './read-cache.ts';
import { cachedHits, type HitAnswerer } from './cached-hits.ts';
import { answerHitsFirst } from './http-server.ts';
import { earlyPosts, earlyRoutes, type EarlyPoster } from './early-posts.ts';
import { installMetrics } from './metrics.ts';
import { FeedHealth } from './feed-health.ts';
import { installRateLimits } from './rate-limits.ts';
import nativeApi, { schemas as nativeSchemas } from '../dialects/native/index.ts';
import promptlayerApi, { schemas as promptlayerSchemas } from '../dialects/promptlayer/index.ts';
import keywordsaiApi, { schemas as keywordsaiSchemas } from '../dialects/keywordsai/index.ts';
import nemoApi, { schemas as nemoSchemas } from '../dialects/nemo/index.ts';
import langfuseApi, { schemas as langfuseSchemas } from '../dialects/langfuse/index.ts';
import { installStaticUi } from './static-ui.ts';
import { installGateway, type GatewayOptions } from './gateway.ts';
import { authLater, installBodyKeyAuth } from './body-key.ts';
import { installRequestLog } from './request-log-wiring.ts';
import { actorVia } from './actor-via.ts';
import { routeConfig } from './route-config.ts';
import { lazyChildLogger, logs } from './request-logger.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** The caller, resolved from its API key before any handler runs. */
    actor: Actor;
    /** SHA-256 of the presented key, if any (rate limiting is keyed on it, never on the secret). */
    keyHash: string | undefined;
  }
  interface FastifyContextConfig {
    /** Routes that answer without an API key (health, docs). */
    public?: boolean;
  }
  interface FastifyInstance {
    registry: Registry;
    authenticator: Authenticator;
    lecternConfig: Config;
    /** Every route registered (method, url pattern, its config): hostile-input tests walk it. */
    routeTable: { method: string; url: string; config?: FastifyContextConfig }[];
    /** Renders templates on worker threads (src/server/render-pool.ts). */
    renderer: Renderer;
    /** Responses the server is answering (http-server.ts): shutdown and the webhook worker read it. */
    inFlight: Set<ServerResponse>;
    /** Whether other processes' changes reach this one (PostgreSQL's change feed). */
    feedHealth: FeedHealth;
  }
}

/** The longest path segment the router takes; longer ones are refused (framework-errors.ts). */
const MAX_PARAM_LENGTH = MAX_PATH_SEGMENT;

export interface AppOptions {
  registry: Registry;
  config: Config;
  logger?: boolean | object;
  /** Start a render thread at once (the server) instead of on the first render (tests). */
  warmRenderer?: boolean;
  /** Replaces Fastify's response serialiser factory (tests wrap it to check every answer). */
  serializerFactory?: SerializerFactory;
  /** The LLM gateway's providers and log sink (default: from the environment). */
  gateway?: GatewayOptions;
}

export async function buildApp(opts: AppOptions): Promise<FastifyInstance> {
  const { registry, config } = opts;
  const errorRoutes = new ErrorRoutes();
  const requestId = requestIds();
  // Set once the read cache is installed (below): cache hits are answered before Fastify.
  let answerHit: HitAnswerer | null = null;
  // Set once the routes are registered: POSTs their routes can answer at once (early-posts.ts).
  let answerPost: EarlyPoster | null = null;
  const app = Fastify({
    logger: opts.logger ?? { level: config.logLevel },
    bodyLimit: config.bodyLimit,
    requestIdHeader: 'x-request-id',
    // A per-process random prefix and a counter: unique like a UUID for correlating logs, without
    // a random draw per request on the hot path.
    genReqId: requestId,
    // No pino child per request unless the request logs something (request-logger.ts).
    childLoggerFactory: lazyChildLogger,
    // Paths keep their case and encoded slashes (PromptLayer names may contain '/').
    // `//` is one `/`: an SDK given a base URL with a trailing slash asks for `//track-request`.
    routerOptions: {
      ignoreTrailingSlash: true,
      ignoreDuplicateSlashes: true,
      maxParamLength: MAX_PARAM_LENGTH,
    },
    // A path the router refuses (too long a segment, broken %-encoding) answers in its API's envelope.
    frameworkErrors: frameworkErrors(errorRoutes, MAX_PARAM_LENGTH),
    // Fastify's own request logging writes two lines per request at info: at the read rates the
    // fetch path serves it cost more CPU than answering (see docs/performance.md). One line per
    // request instead (below), at info only when it failed.
    logController: new LogController({ disableRequestLogging: true }),
    schemaController: { compilersFactory: { buildSerializer: lazySerializers(opts.serializerFactory) } },
  }).withTypeProvider<TypeBoxTypeProvider>();
  // A 4xx/5xx (failed authentication among them) is logged at info; a success only at debug, so
  // LOG_LEVEL=debug gives a full access log.
  app.addHook('onResponse', (req, reply, done) => {
    const failed = reply.statusCode >= 400;
    if (failed || logs(app.log, 'debug')) {
      req.log[failed ? 'info' : 'debug'](
        { method: req.method, url: req.url, status: reply.statusCode, ms: Math.round(reply.elapsedTime) },
        'request completed',
      );
    }
    done();
  });

  // Errors outside any dialect (unknown paths, operations routes) use the native envelope. Set
  // before any route, so the operations routes' recorded handler (framework-errors.ts) is this one.
  app.setErrorHandler((err, req, reply) => {
    const p = toProblem(err);
    if (p.status >= 500) req.log.error({ err }, 'request failed');
    if (p.status === 503 && p.details.retry_after) reply.header('retry-after', String(p.details.retry_after));
    return reply.code(p.status).send({ error: { code: p.code, message: p.message, details: p.details } });
  });
  installErrorRoutes(app, errorRoutes);

  // Cached hits are answered before Fastify's own listener (cached-hits.ts).
  app.decorate(
    'inFlight',
    answerHitsFirst(
      app.server,
      () => answerHit,
      () => answerPost,
    ),
  );
  app.decorate('registry', registry);
  app.decorate('authenticator', new Authenticator(registry));
  app.decorate('lecternConfig', config);
  app.decorate('feedHealth', new FeedHealth());
  const renderer = createRenderer({
    threads: config.renderThreads,
    warm: opts.warmRenderer ?? false,
    perKeyQueue: config.renderQueuePerKey,
  });
  app.decorate('renderer', renderer);
  app.addHook('onClose', () => renderer.close());
  installRequestLog(app, registry, config);
  const routeTable: FastifyInstance['routeTable'] = [];
  app.decorate('routeTable', routeTable);
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat())
      routeTable.push({ method, url: route.url, config: route.config });
  });
  app.decorateRequest('actor', null as unknown as Actor);
  app.decorateRequest('lecternRouteConfig', undefined);
  app.decorateRequest('keyHash', undefined);
  installJsonParser(app, config.maxJsonDepth);
  installValidation(app);
  const early = earlyRoutes(app);
  // Before authentication: an address that used up its failed attempts costs no key look-up.
  const limits = await installRateLimits(app, config);

  // Callback style with a synchronous path for cached keys: no promise on the hot path.
  app.addHook('onRequest', (req, reply, done) => {
    reply.header('x-request-id', req.id);
    const creds = app.authenticator.credentialsOf(req);
    req.keyHash = creds?.hash;
    if (req.is404 || routeConfig(req).public || authLater(req, creds !== undefined)) return done();
    let cached: Actor | undefined;
    try {
      cached = app.authenticator.cachedActor(creds);
    } catch (err) {
      return done(err as Error);
    }
    if (cached) {
      req.actor = actorVia(cached, req);
      return done();
    }
    app.authenticator.actorFor(creds).then((actor) => {
      req.actor = actorVia(actor, req);
      done();
    }, done);
  });
  limits.postAuth();
  installBodyKeyAuth(app);

  // After authentication and rate limiting, before the dialects: resolved reads are answered from memory.
  let readyHits = () => {};
  if (config.cacheEntries > 0 && config.cacheBytes > 0) {
    const cache = new ReadCache({ maxEntries: config.cacheEntries, maxBytes: config.cacheBytes });
    registry.onChange((changes) => cache.invalidate(changes));
    installReadCache(app, cache);
    // Every request counted by the everything-limit goes through its hook.
    if (config.rateLimit <= 0) readyHits = () => (answerHit = cachedHits({ app, cache, requestId }));
  } else {
    app.decorate('readCache', null);
  }

  await app.register(swagger, {
    openapi: {
      // 3.1: its schemas are JSON Schema 2020-12, which is what TypeBox writes (numeric
      // exclusiveMinimum, `type: 'null'` in unions).
      openapi: '3.1.0',
      info: { title: 'Lectern', version: '0.1.0', description: 'Self-hosted prompt registry' },
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer' },
          apiKey: { type: 'apiKey', in: 'header', name: 'X-API-KEY' },
        },
      },
      security: [{ bearer: [] }, { apiKey: [] }],
    },
    // Shared schemas are named by their $id in components.schemas (each dialect prefixes its own).
    refResolver: { buildLocalReference: (json, _base, _fragment, i) => String(json.$id ?? `def-${i}`) },
    transformObject: (doc) =>
      optionalDefaults('openapiObject' in doc ? doc.openapiObject : doc.swaggerObject),
  });
  // The docs page's own routes (HTML, assets) are public like /openapi.json.
  app.addHook('onRoute', (route) => {
    if (route.url.startsWith('/docs')) route.config = { ...(route.config ?? {}), public: true };
  });
  // Swagger UI with its assets served from this server (no CDN, no web fonts, no validator badge).
  // Its stock policy with the other hosts taken out ('https:' fonts and styles, the validator's
  // images) and without upgrade-insecure-requests, which breaks the page on a plain-http host.
  await app.register(swaggerUi, {
    routePrefix: '/docs',
    staticCSP: true,
    transformStaticCSP: (csp) =>
      csp
        .replace(/ https:/g, '')
        .replace(/ validator\.swagger\.io/g, '')
        .replace(/ ?upgrade-insecure-requests;/, ''),
    uiConfig: { validatorUrl: null, deepLinking: true },
  });

  app.get('/openapi.json', { config: { public: true }, schema: { hide: true } }, async () => app.swagger());
  installMetrics(app);
  const status = Type.Object({ status: Type.String() });
  const readiness = Type.Object({
    status: Type.Optional(Type.String()),
    change_feed: Type.Optional(Type.String()),
    since: Type.Optional(Type.String()),
  });
  app.get(
    '/healthz',
    {
      config: { public: true, unlimited: true },
      schema: {
        operationId: 'health',
        summary: 'Liveness: the process answers',
        tags: ['operations'],
        security: [],
        response: { 200: status },
      },
    },
    async () => ({ status: 'ok' }),
  );
  const readyz = {
    operationId: 'ready',
    summary: 'Readiness: the database answers (degraded: the change feed is down, caches off)',
    tags: ['operations'],
    security: [],
    // `change_feed` and `since` only while the change feed is down (status `degraded`).
    response: { 200: readiness, 503: status },
  };
  app.get('/readyz', { config: { public: true, unlimited: true }, schema: readyz }, async (_req, reply) => {
    try {
      await ping(registry.store.db);
      // Still ready (every read goes to the database), but say that caches are off and why.
      if (!app.feedHealth.up) {
        return {
          status: 'degraded',
          change_feed: 'down',
          since: new Date(app.feedHealth.downSince ?? Date.now()).toISOString(),
        };
      }
      return { status: 'ready' };
    } catch {
      return reply.code(503).send({ status: 'unavailable' });
    }
  });

  app.setNotFoundHandler((req, reply) => {
    const path = req.url.split('?')[0] ?? '/';
    // A path one of the APIs serves, asked with another method, answers in that API's envelope.
    const owner = errorRoutes.exactHandlerFor(path.replace(/\/{2,}/g, '/'));
    if (owner) return owner(methodNotServed(req.method, path) as never, req, reply);
    return reply.code(404).send({
      error: { code: 'not_found', message: `no route ${req.method} ${path}`, details: {} },
    });
  });

  // The dialects' shared response schemas are added here, at the root: a plugin that adds schemas
  // of its own gets its validator rebuilt from Fastify's default Ajv (coercing, dropping unknown
  // fields), not the one installValidation set.
  for (const schema of [
    ...nativeSchemas,
    ...promptlayerSchemas,
    ...keywordsaiSchemas,
    ...nemoSchemas,
    ...langfuseSchemas,
  ])
    app.addSchema(schema);
  installGateway(app, opts.gateway);
  await app.register(nativeApi, { prefix: '/v1' });
  // Each dialect mounts at its product's own paths and owns its error envelope.
  await app.register(promptlayerApi);
  await app.register(keywordsaiApi);
  await app.register(nemoApi);
  await app.register(langfuseApi);
  await installStaticUi(app);
  // Last: a hit records its latency through the metrics installed above.
  readyHits();
  // As for hits: with the everything-limit on, every request goes through its hook.
  if (config.rateLimit <= 0) {
    answerPost = earlyPosts({
      app,
      routes: early,
      bodyLimit: config.bodyLimit,
      maxJsonDepth: config.maxJsonDepth,
      requestId,
    });
  }
  return app;
}

/** Request ids `<8 hex>-<counter in base 36>`: the prefix tells processes (and restarts) apart. */
function requestIds(): () => string {
  const prefix = randomBytes(4).toString('hex');
  let n = 0;
  return () => `${prefix}-${(++n).toString(36)}`;
}

type Operation = { parameters?: { in?: string; required?: boolean; schema?: { default?: unknown } }[] };

/**
 * A query parameter with a default may be left out: the route schemas keep such parameters
 * non-optional (validation fills the default in, so handlers see a value), and @fastify/swagger
 * would list them as required.
 */
function optionalDefaults<T extends object>(doc: T): T {
  const paths = (doc as { paths?: Record<string, Record<string, Operation>> }).paths ?? {};
  for (const item of Object.values(paths)) {
    for (const op of Object.values(item)) {
      for (const p of op.parameters ?? []) {
        if (p.in === 'query' && p.required && p.schema?.default !== undefined) p.required = false;
      }
    }
  }
  return doc;
}
