// Default rate limits: what protects the server without throttling the applications it serves.
// Authenticated reads — fetch by label, lists, renders — are not counted (renders are bounded by
// the render pool's per-key concurrency and queue instead: their cost is CPU time, not requests).
// Counted, each in its own fixed window:
//   - failed authentication, per client address: past the bound, a request from that address that
//     presents a key not already known to be valid is refused before any look-up (a 401 each time
//     costs the database a key look-up; a guessing client gets no more);
//   - requests without a key (the docs, the OpenAPI document, 401s for a missing key), per address;
//   - writes (any method but GET/HEAD/OPTIONS, unless the route declares `readOnly`), per key;
//   - optionally everything, per key (LECTERN_RATE_LIMIT, off by default).
// Health, readiness and metrics are never limited (probes must see a server under load).
import type { FastifyInstance, FastifyRequest } from 'fastify';
import rateLimit from '@fastify/rate-limit';
import { LecternError } from '../model/errors.ts';
import type { Config } from './config.ts';
import { routeConfig } from './route-config.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** A POST that changes nothing (a render, a list with a body): rate-limited as a read. */
    readOnly?: boolean;
    /** Never rate-limited (health and readiness probes, metrics). */
    unlimited?: boolean;
  }
}

type Limiter = (
  req: FastifyRequest,
  opts?: { increment?: boolean },
) => Promise<{ isAllowed: boolean; isExceeded?: boolean; ttl?: number; max?: number; remaining?: number }>;

const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

const refused = (what: string, max: number, ttl: number) =>
  new LecternError(
    { kind: 'rate_limited', retryAfter: Math.max(1, Math.ceil(ttl / 1000)) },
    `rate limit of ${max} ${what} per window exceeded, retry in ${Math.ceil(ttl / 1000)} s`,
    {
      retry_after: Math.max(1, Math.ceil(ttl / 1000)),
    },
  );

/**
 * Registers the limits. `preAuth` hooks must run before authentication (they spare the key look-up),
 * so this is called before the authentication hook is added; `postAuth` after it.
 */
export async function installRateLimits(
  app: FastifyInstance,
  config: Config,
): Promise<{ postAuth: () => void }> {
  const window = config.rateLimitWindowMs;
  const anyLimit =
    config.rateLimitAuthFailures > 0 ||
    config.rateLimitAnonymous > 0 ||
    config.rateLimitWrites > 0 ||
    config.rateLimit > 0;
  if (!anyLimit) return { postAuth: () => {} };
  await app.register(rateLimit, { global: false, timeWindow: window });
  const limiter = (prefix: string, max: number, key: (req: FastifyRequest) => string): Limiter | null =>
    max > 0
      ? (app.createRateLimit({
          max,
          timeWindow: window,
          keyGenerator: (req) => `${prefix}:${key(req)}`,
        }) as Limiter)
      : null;
  const byIp = (req: FastifyRequest) => req.ip;
  const byKey = (req: FastifyRequest) => req.keyHash ?? `ip:${req.ip}`;
  const failures = limiter('auth-failure', config.rateLimitAuthFailures, byIp);
  const anonymous = limiter('anonymous', config.rateLimitAnonymous, byIp);
  const writes = limiter('write', config.rateLimitWrites, byKey);
  const all = limiter('all', config.rateLimit, byKey);
  const exempt = (req: FastifyRequest) => req.is404 || routeConfig(req).unlimited === true;
  const fail = (done: (err?: Error) => void) => (err: unknown) => done(err as Error);

  // Callback-style hooks with a synchronous path: an authenticated read costs no promise here.
  app.addHook('onRequest', (req, _reply, done) => {
    if (exempt(req)) return done();
    const creds = app.authenticator.credentialsOf(req);
    if (!creds) {
      if (!anonymous) return done();
      anonymous(req).then((r) => {
        if (r.isExceeded) return done(refused('requests without an API key', r.max!, r.ttl!));
        done();
      }, fail(done));
      return;
    }
    if (!failures || routeConfig(req).public) return done();
    let known = false;
    try {
      known = app.authenticator.cachedActor(creds) !== undefined;
    } catch {
      known = false; // a key known to be invalid
    }
    if (known) return done();
    // Not counted here (only a 401 counts, in onResponse): refused once the address has used them up.
    failures(req, { increment: false }).then((r) => {
      if (!r.isAllowed && r.remaining === 0)
        return done(refused('failed authentication attempts', r.max!, r.ttl!));
      done();
    }, fail(done));
  });
  if (failures) {
    app.addHook('onResponse', (req, reply, done) => {
      if (reply.statusCode !== 401 || req.keyHash === undefined) return done();
      failures(req).then(() => done(), fail(done));
    });
  }
  return {
    postAuth: () => {
      // Only writes (and, when configured, everything) are counted per key: without the
      // everything-limit an authenticated read passes this hook at once.
      if (!all && !writes) return;
      app.addHook('onRequest', (req, _reply, done) => {
        const isWrite = !READ_METHODS.has(req.method);
        if ((!all && !isWrite) || exempt(req) || !req.actor) return done();
        const cfg = routeConfig(req);
        if (cfg.public) return done();
        const countWrite = writes !== null && isWrite && !cfg.readOnly;
        // A POST that changes nothing (a render) is counted by nothing: no promise for it.
        if (!all && !countWrite) return done();
        (async () => {
          if (all) {
            const r = await all(req);
            if (r.isExceeded) throw refused('requests', r.max!, r.ttl!);
          }
          if (countWrite) {
            const r = await writes!(req);
            if (r.isExceeded) throw refused('writes', r.max!, r.ttl!);
          }
        })().then(() => done(), fail(done));
      });
    },
  };
}
