// Authentication by a key in the JSON body, for routes whose clients send no key header
// (PromptLayer's SDK posts `/track-request`, `/library-track-*`, `/create-group` with `"api_key"`
// in the body and nothing else; specs/runtime.md §0). Such a route declares `bodyKey: true`; the
// authentication hook then lets it through without a header key, and this hook authenticates
// after the body is parsed (preValidation), from the header key when there is one, else the body's.
// The body key is removed from the body before the handler sees it, so it is never stored, and
// Lectern's access log never prints bodies.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { hashKey } from '../registry/keys.ts';
import { actorVia } from './actor-via.ts';
import { routeConfig } from './route-config.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The key may come as `api_key` in the JSON body (checked after parsing). */
    bodyKey?: boolean;
  }
}

export const BODY_KEY_FIELD = 'api_key';

/** The body's key, taken out of the body (it must not reach the handler or any record). */
function takeBodyKey(req: FastifyRequest): string | undefined {
  const b = req.body;
  if (typeof b !== 'object' || b === null || Array.isArray(b)) return undefined;
  const v = (b as Record<string, unknown>)[BODY_KEY_FIELD];
  delete (b as Record<string, unknown>)[BODY_KEY_FIELD];
  return typeof v === 'string' && v.trim() ? v.trim() : undefined;
}

/** True when the authentication hook should leave the request to the body-key hook. */
export const authLater = (req: FastifyRequest, hasHeaderKey: boolean) =>
  routeConfig(req).bodyKey === true && !hasHeaderKey;

export function installBodyKeyAuth(app: FastifyInstance): void {
  const authenticate = async (req: FastifyRequest) => {
    const key = takeBodyKey(req);
    if (req.actor) return; // a header key was presented and checked already
    const creds = key ? { key, hash: hashKey(key) } : undefined;
    req.keyHash = creds?.hash;
    const actor = app.authenticator.cachedActor(creds) ?? (await app.authenticator.actorFor(creds));
    req.actor = actorVia(actor, req);
  };
  // Callback style: every other route passes without a promise.
  app.addHook('preValidation', (req, _reply, done) => {
    if (routeConfig(req).bodyKey !== true) return done();
    authenticate(req).then(() => done(), done);
  });
}
