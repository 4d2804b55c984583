// Cache hits answered before Fastify: the HTTP server hands each request here first, and a GET the
// read cache holds an answer for is written out at once, with no Fastify request or reply, router
// look-up or hook chain. At a cached fetch's rates that chain cost more CPU than the bare
// framework's own work (docs/performance.md). Everything a hit through Fastify checks is checked
// here with the same functions, and anything else is declined (the request then goes through
// Fastify, whose hooks answer it as before):
//   - authentication: a key already resolved and valid (a missing, unknown, invalid or revoked key,
//     a public key alone or a mismatched Basic pair is left to the authentication hook);
//   - rate limits: authenticated reads are not counted (rate-limits.ts), so a known key passes; with
//     the everything-limit on (LECTERN_RATE_LIMIT) every request is counted, so nothing is answered here;
//   - the cache's own rules: the caller's scope and role in the key, invalidation, suspension while
//     the change feed is down, `Cache-Control: no-cache`, If-None-Match → 304;
//   - the response: the headers the route set when the answer was kept, `x-request-id`, the
//     latency metric under the route's labels; the access log's debug line (declined at debug);
//   - a server closing (Fastify answers 503 and closes the connection).
// Only entries exist for (method, URL) pairs a cacheable route answered, so a hit is always a
// request Fastify would route to that route.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyInstance } from 'fastify';
import { bypassesCache, cacheKey, matches, type ReadCache } from './read-cache.ts';
import { logs } from './request-logger.ts';

/** Answers a request from the cache if it can (true), else leaves it untouched (false). */
export type HitAnswerer = (req: IncomingMessage, res: ServerResponse) => boolean;

export interface CachedHitsOptions {
  app: FastifyInstance;
  cache: ReadCache;
  /** The request ids Fastify gives (a client's own `x-request-id` is kept, as Fastify does). */
  requestId: () => string;
}

export function cachedHits({ app, cache, requestId }: CachedHitsOptions): HitAnswerer {
  let closing = false;
  app.addHook('preClose', (done) => {
    closing = true;
    done();
  });
  const authenticator = app.authenticator;
  return (req, res) => {
    if (req.method !== 'GET' || closing) return false;
    const h = req.headers;
    // A GET with a body goes the usual way (Fastify decides what it means).
    if (h['content-length'] !== undefined || h['transfer-encoding'] !== undefined) return false;
    if (bypassesCache(h['cache-control'])) return false;
    const start = performance.now();
    const creds = authenticator.credentialsFrom(req);
    if (creds === undefined) return false;
    let actor;
    try {
      actor = authenticator.cachedActor(creds);
    } catch {
      return false; // a refused key: the authentication hook answers it in the route's envelope
    }
    if (actor === undefined) return false;
    const hit = cache.get(cacheKey(actor, 'GET', req.url ?? '', ''));
    if (hit === undefined) return false;
    // Read per request: the level can change while the server runs.
    if (logs(app.log, 'debug')) return false;
    cache.hits++;
    const id = h['x-request-id'];
    const notModified = matches(h['if-none-match'], hit.etag);
    const status = notModified ? 304 : 200;
    // The entry's header list, its last slot the request id: writeHead copies it into the
    // response's header block before returning, so the one array serves every hit.
    const head = notModified ? hit.head304 : hit.head200;
    head[head.length - 1] = typeof id === 'string' && id !== '' ? id : requestId();
    res.writeHead(status, head);
    if (notModified) res.end();
    else res.end(hit.payload);
    app.observeLatency(hit.route, 'GET', status, performance.now() - start);
    return true;
  };
}
