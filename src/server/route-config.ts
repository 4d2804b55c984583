// The matched route's config, read once per request. Fastify's `req.routeOptions` is a getter that
// builds a fresh twelve-field object (and asks the router about version constraints) on every
// access; the hot path's hooks (rate limits, authentication, actor, read cache, metrics) read the
// config nine times per request, so they read it through this memo instead.
import type { FastifyContextConfig, FastifyRequest } from 'fastify';

/** What the hooks read: the route's own config plus the pattern and method Fastify adds to it. */
export type RouteConfig = FastifyContextConfig & { url?: string; method?: string };

declare module 'fastify' {
  interface FastifyRequest {
    /** The route's config, memoised by routeConfig() (undefined until first read). */
    lecternRouteConfig: RouteConfig | undefined;
  }
}

const NONE: RouteConfig = Object.freeze({});

export function routeConfig(req: FastifyRequest): RouteConfig {
  let c = req.lecternRouteConfig;
  if (c === undefined)
    c = req.lecternRouteConfig = (req.routeOptions.config as RouteConfig | undefined) ?? NONE;
  return c;
}
