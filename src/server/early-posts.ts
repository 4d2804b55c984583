// POSTs answered before Fastify: a route that declares an early answer (dialects/common/early.ts)
// — a render of a memoised version, done inline — gets its request here first, as a cached GET
// does in cached-hits.ts. For such a render Fastify's pipeline (hooks, content-type parser,
// validation, reply and serialiser chain) cost more CPU than the render and its answer
// (docs/performance.md, "Server-side rendering"). The checks are Fastify's, made with the same
// functions, and anything they do not pass is declined, so Fastify answers it exactly as before:
//   - the route: a POST to `<prefix><one segment><suffix>` of a route with an early answer, the segment
//     plain (no %-escapes, slashes, query: the router's decoding and slash rules are not redone)
//     and no static route of that path;
//   - authentication: a key already resolved and valid (cachedActor), the route's API on the actor;
//   - rate limits: a read-only POST with a known key is counted by no default limit (rate-limits.ts);
//     with the everything-limit on, nothing is answered here (as for cached hits);
//   - the body: `application/json` with a content length within the body limit (no chunked or
//     encoded bodies, no `Expect`), strict UTF-8, JSON parsed and checked by parseJsonBody, the
//     route's params and body schemas (the same Ajv options as installValidation), and a body the
//     read cache could answer is left to it;
//   - the answer: the route's own function, synchronous (it declines whatever would wait: a read
//     not memoised, a render for the threads, a key at its render bound, any error), sent with the
//     headers Fastify sends (content-type, content-length, x-request-id), the latency metric under
//     the route's labels; the access log's debug line (declined at debug); a server closing.
// A request declined after its body was read goes to Fastify with that body replayed (the
// preParsing hook below), so its parser and every hook see the request as it came.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import type { FastifyInstance, preHandlerHookHandler } from 'fastify';
import type { EarlyAnswer, EarlyReply } from '../dialects/common/early.ts';
import { actorForApi } from './actor-via.ts';
import { parseJsonBody } from './json-body.ts';
import { logs } from './request-logger.ts';
import type { RouteConfig } from './route-config.ts';
import { bodyValidator, textValidator } from './validation.ts';
import { MAX_PATH_SEGMENT } from './framework-errors.ts';

/** Takes a request (true: it answers it, or hands it to `toFastify` later), else leaves it (false). */
export type EarlyPoster = (
  req: IncomingMessage,
  res: ServerResponse,
  toFastify: (req: IncomingMessage, res: ServerResponse) => void,
) => boolean;

interface EarlyRoute {
  prefix: string;
  param: string;
  /** The static rest of the path after the parameter ('' when it ends the path). */
  suffix: string;
  cfg: RouteConfig;
  early: EarlyAnswer;
  /**
   * The route's own 200 serialiser, taken from the first request Fastify answers for the route
   * (every early answer follows one: the memo it reads is filled there), so an early answer's
   * bytes are Fastify's by construction. Shared by reference with the onReady copies.
   */
  serializer: { serialize?: (payload: Record<string, unknown>) => string };
  validParams: (data: unknown) => boolean;
  validQuery: (data: unknown) => boolean;
  validBody: (data: unknown) => boolean;
  /** Every POST route's pattern (filled as routes register). */
  posts: string[];
  /**
   * Static segments other POST routes have where this one has its parameter: the router tries
   * those first (`/a/x/:b` wins over `/a/:p/c` for `/a/x/c`), so such a segment is never answered
   * here. Worked out on first use, once every route is registered.
   */
  blocked?: Set<string>;
}

const REPLAY = Symbol('lectern.earlyBody');
type Replay = { chunks: Buffer[]; error: Error | undefined };
type Replayable = IncomingMessage & { [REPLAY]?: Replay };

/** A path segment taken as it is: what the router would hand over undecoded. */
const PLAIN_SEGMENT = /^[A-Za-z0-9._~-]+$/;
const JSON_TYPES = new Set(['application/json', 'application/json; charset=utf-8']);

/**
 * Collects the routes that declare an early answer (call before the dialects register), and
 * replays a declined request's body to Fastify's parser.
 */
export function earlyRoutes(app: FastifyInstance): EarlyRoute[] {
  const routes: EarlyRoute[] = [];
  const posts: string[] = [];
  // Plugins' own onRoute hooks (a dialect's `api`, say) run after this root one and replace the
  // config: each route's final config is read once everything is registered (onReady).
  const finals: { url: string; config?: unknown }[] = [];
  app.addHook('onRoute', (route) => {
    const methods = [route.method].flat();
    if (!methods.includes('POST')) return;
    posts.push(route.url);
    const cfg = route.config as RouteConfig | undefined;
    const m = /^(\/[^:]*\/):([A-Za-z_]+)((?:\/[^:/]+)*)$/.exec(route.url);
    // Only what this file checks for: a read-only route behind a key, one parameter.
    if (!eligible(cfg) || !m) return;
    if (route.bodyLimit !== undefined) return; // the app's body limit is the one checked here
    const schema = (route.schema ?? {}) as { params?: object; querystring?: object; body?: object };
    const serializer: EarlyRoute['serializer'] = {};
    const capture: preHandlerHookHandler = (_req, reply, done) => {
      serializer.serialize ??= reply.getSerializationFunction('200');
      done();
    };
    route.preHandler = [...[route.preHandler ?? []].flat(), capture];
    routes.push({
      serializer,
      prefix: m[1]!,
      param: m[2]!,
      suffix: m[3] ?? '',
      cfg: { ...cfg, url: route.url, method: 'POST' },
      early: cfg.early,
      validParams: schema.params ? textValidator(app, schema.params) : () => true,
      validQuery: schema.querystring ? textValidator(app, schema.querystring) : () => true,
      validBody: schema.body ? bodyValidator(app, schema.body) : () => true,
      posts,
    });
    finals.push(route);
  });
  app.addHook('onReady', (done) => {
    const kept = routes.flatMap((r, i) => {
      const cfg = finals[i]!.config as RouteConfig | undefined;
      return cfg && eligible(cfg) ? [{ ...r, cfg: { ...cfg, url: finals[i]!.url, method: 'POST' } }] : [];
    });
    routes.splice(0, routes.length, ...kept);
    done();
  });
  app.addHook('preParsing', (req, _reply, payload, done) => {
    const raw = req.raw as Replayable;
    const replay = raw[REPLAY];
    if (replay === undefined) return done(null, payload);
    raw[REPLAY] = undefined;
    done(null, replayOf(replay));
  });
  return routes;
}

/** Only what this file checks for: a read-only route behind a key, with an early answer. */
const eligible = (cfg: RouteConfig | undefined): cfg is RouteConfig & { early: EarlyAnswer } =>
  !!cfg?.early && cfg.readOnly === true && !cfg.public && !cfg.bodyKey && !cfg.unlimited;

function blockedSegments(r: EarlyRoute): Set<string> {
  const out = new Set<string>();
  for (const url of r.posts) {
    if (!url.startsWith(r.prefix)) continue;
    const seg = url.slice(r.prefix.length).split('/')[0]!;
    if (seg !== '' && !seg.startsWith(':')) out.add(seg);
  }
  return out;
}

function replayOf({ chunks, error }: Replay): Readable {
  let i = 0;
  return new Readable({
    read() {
      if (i < chunks.length) this.push(chunks[i++]);
      else if (error) this.destroy(error);
      else this.push(null);
    },
  });
}

export interface EarlyPostsOptions {
  app: FastifyInstance;
  routes: EarlyRoute[];
  bodyLimit: number;
  maxJsonDepth: number;
  requestId: () => string;
}

export function earlyPosts({
  app,
  routes,
  bodyLimit,
  maxJsonDepth,
  requestId,
}: EarlyPostsOptions): EarlyPoster {
  let closing = false;
  app.addHook('preClose', (done) => {
    closing = true;
    done();
  });
  const authenticator = app.authenticator;
  const utf8 = new TextDecoder('utf-8', { fatal: true });

  const routeOf = (url: string): [EarlyRoute, string] | undefined => {
    for (const r of routes) {
      if (!url.startsWith(r.prefix) || !url.endsWith(r.suffix)) continue;
      const seg = url.slice(r.prefix.length, url.length - r.suffix.length);
      if (seg.length === 0 || seg.length > MAX_PATH_SEGMENT || !PLAIN_SEGMENT.test(seg)) return undefined;
      if ((r.blocked ??= blockedSegments(r)).has(seg)) return undefined;
      return [r, seg];
    }
    return undefined;
  };

  /** The answer's payload, or undefined to decline. Everything here is synchronous. */
  const answer = (
    req: IncomingMessage,
    route: EarlyRoute,
    seg: string,
    raw: Buffer,
  ): EarlyReply | undefined => {
    if (closing || logs(app.log, 'debug')) return undefined;
    let actor;
    try {
      actor = authenticator.cachedActor(authenticator.credentialsFrom(req));
    } catch {
      return undefined; // a refused key: the authentication hook answers it
    }
    if (actor === undefined) return undefined;
    let text: string;
    try {
      text = utf8.decode(raw);
    } catch {
      return undefined;
    }
    if (text.trim() === '') return undefined;
    let body: unknown;
    try {
      body = parseJsonBody(text, maxJsonDepth);
    } catch {
      return undefined;
    }
    const params = { [route.param]: seg };
    const query = {};
    if (!route.validParams(params) || !route.validQuery(query) || !route.validBody(body)) return undefined;
    // A body the read cache may answer whole goes its way (read-cache.ts, preValidation).
    const c = route.cfg.cacheable;
    if (c === true || (c && c.when(body))) return undefined;
    try {
      return route.early.answer({ actor: actorForApi(actor, route.cfg, req.headers), params, query, body });
    } catch {
      return undefined; // Fastify's error handler answers it, in the route's envelope
    }
  };

  return (req, res, toFastify) => {
    if (req.method !== 'POST' || closing || routes.length === 0) return false;
    const h = req.headers;
    const ct = h['content-type'];
    const length = h['content-length'];
    if (ct === undefined || !JSON_TYPES.has(ct.toLowerCase())) return false;
    if (length === undefined || h['transfer-encoding'] !== undefined) return false;
    if (h['content-encoding'] !== undefined || h['expect'] !== undefined) return false;
    const n = Number(length);
    if (!Number.isInteger(n) || n <= 0 || n > bodyLimit) return false;
    const found = routeOf(req.url ?? '');
    if (found === undefined) return false;
    // A key not resolved yet goes to the authentication hook (spares reading the body here).
    if (authenticator.credentialsFrom(req) === undefined) return false;
    const start = performance.now();
    const chunks: Buffer[] = [];
    let settled = false;
    const decline = (error?: Error) => {
      if (settled) return;
      settled = true;
      (req as Replayable)[REPLAY] = { chunks, error };
      toFastify(req, res);
    };
    req.on('data', (c: Buffer) => chunks.push(c));
    req.once('error', (err) => decline(err));
    // Closed before its end (the client went away): Fastify's parser sees the same failure.
    req.once('close', () => {
      if (!req.readableEnded) decline(new Error('request closed before its body ended'));
    });
    req.once('end', () => {
      if (settled) return;
      const raw = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
      const reply = answer(req, found[0], found[1], raw);
      let payload: string;
      try {
        const serialize = found[0].serializer.serialize;
        if (reply === undefined || serialize === undefined) return decline();
        payload = serialize(reply.body as Record<string, unknown>);
      } catch {
        return decline();
      }
      settled = true;
      const id = h['x-request-id'];
      const head = ['x-request-id', typeof id === 'string' && id !== '' ? id : requestId()];
      if (reply.headers) for (const [k, v] of reply.headers) head.push(k, v);
      res.writeHead(200, [
        ...head,
        'content-type',
        'application/json; charset=utf-8',
        'content-length',
        String(Buffer.byteLength(payload)),
      ]);
      res.end(payload);
      app.observeLatency(found[0].cfg, 'POST', 200, performance.now() - start);
    });
    return true;
  };
}
