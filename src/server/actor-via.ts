// The actor a request acts as: its key's resolved actor, plus the API the route belongs to (the
// dialect's `api` route config; Lectern's CLI on the native API says so in `X-Lectern-Client`).
// Resolved actors are cached and shared, so the per-API variants are memoised beside them: no
// allocation per request.
import type { FastifyRequest } from 'fastify';
import type { Actor, WriteApi } from '../model/types.ts';
import { CLIENT_HEADER } from '../dialects/common/write-api.ts';
import { routeConfig } from './route-config.ts';

const variants = new WeakMap<Actor, Map<WriteApi, Actor>>();

function apiOf(req: FastifyRequest): WriteApi | undefined {
  const api = routeConfig(req).api;
  if (api === 'native' && req.headers[CLIENT_HEADER] === 'cli') return 'cli';
  return api;
}

export function actorVia(actor: Actor, req: FastifyRequest): Actor {
  const api = apiOf(req);
  if (api === undefined || actor.via === api) return actor;
  let byApi = variants.get(actor);
  if (!byApi) variants.set(actor, (byApi = new Map()));
  let v = byApi.get(api);
  if (!v) byApi.set(api, (v = { ...actor, via: api }));
  return v;
}
