// The actor a request acts as: its key's resolved actor, plus the API the route belongs to (the
// dialect's `api` route config; Lectern's CLI on the native API says so in `X-Lectern-Client`).
// Resolved actors are cached and shared, so the per-API variants are memoised beside them: no
// allocation per request.
import type { IncomingHttpHeaders } from 'node:http';
import type { FastifyRequest } from 'fastify';
import type { Actor, WriteApi } from '../model/types.ts';
import { CLIENT_HEADER } from '../dialects/common/write-api.ts';
import { routeConfig, type RouteConfig } from './route-config.ts';

const variants = new WeakMap<Actor, Map<WriteApi, Actor>>();

function apiOf(cfg: RouteConfig, headers: IncomingHttpHeaders): WriteApi | undefined {
  const api = cfg.api;
  if (api === 'native' && headers[CLIENT_HEADER] === 'cli') return 'cli';
  return api;
}

export const actorVia = (actor: Actor, req: FastifyRequest): Actor =>
  actorForApi(actor, routeConfig(req), req.headers);

/** actorVia for a request not (yet) in Fastify: its route's config and its headers. */
export function actorForApi(actor: Actor, cfg: RouteConfig, headers: IncomingHttpHeaders): Actor {
  const api = apiOf(cfg, headers);
  if (api === undefined || actor.via === api) return actor;
  let byApi = variants.get(actor);
  if (!byApi) variants.set(actor, (byApi = new Map()));
  let v = byApi.get(api);
  if (!v) byApi.set(api, (v = { ...actor, via: api }));
  return v;
}
