// The request listener of Fastify's HTTP server, wrapped: it first lets the read cache answer a hit
// (cached-hits.ts), then keeps what Fastify is still answering in a set (shutdown and the webhook
// worker read it). A hit is written before the listener returns, so it is never in flight and costs
// no listener of its own. Fastify's server is kept (not a `serverFactory`): with a factory Fastify
// no longer binds every address of a host name such as `localhost` (lib/server.js).
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { HitAnswerer } from './cached-hits.ts';
import type { EarlyPoster } from './early-posts.ts';

type Listener = (req: IncomingMessage, res: ServerResponse) => void;

/**
 * Puts `hits()`, then `posts()` (early-posts.ts: answered once their body is in, or handed on to
 * Fastify), before Fastify's own listener on `server`; returns the responses in flight.
 */
export function answerHitsFirst(
  server: Server,
  hits: () => HitAnswerer | null,
  posts: () => EarlyPoster | null = () => null,
): Set<ServerResponse> {
  const inFlight = new Set<ServerResponse>();
  // One shared listener function (no closure per request).
  function answered(this: ServerResponse) {
    inFlight.delete(this);
  }
  const fastify = server.listeners('request') as Listener[];
  if (fastify.length !== 1)
    throw new Error(`expected Fastify's one request listener, found ${fastify.length}`);
  const handler = fastify[0]!;
  server.removeListener('request', handler);
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const hit = hits();
    if (hit !== null && hit(req, res)) return;
    inFlight.add(res);
    res.on('close', answered);
    const post = posts();
    if (post !== null && post(req, res, handler)) return;
    handler(req, res);
  });
  return inFlight;
}
