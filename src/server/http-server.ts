// The HTTP server under Fastify (its `serverFactory`): made as Fastify makes it (lib/server.js), with
// one request listener that first lets the read cache answer a hit (cached-hits.ts), then keeps
// what Fastify is still answering in a set (shutdown and the webhook worker read it). A hit is
// written before the listener returns, so it is never in flight and costs no listener of its own.
import {
  createServer,
  type IncomingMessage,
  type Server,
  type ServerOptions,
  type ServerResponse,
} from 'node:http';
import type { HitAnswerer } from './cached-hits.ts';

/** The options Fastify hands its server factory (its own defaults filled in). */
export interface ServerFactoryOptions {
  http?: ServerOptions | null;
  keepAliveTimeout?: number;
  requestTimeout?: number;
  connectionTimeout?: number;
  maxRequestsPerSocket?: number;
}

export interface LecternServer {
  server: Server;
  /** Responses being answered (not yet closed). */
  inFlight: Set<ServerResponse>;
}

export function lecternServer(
  options: ServerFactoryOptions,
  fastify: (req: IncomingMessage, res: ServerResponse) => void,
  hits: () => HitAnswerer | null,
): LecternServer {
  const inFlight = new Set<ServerResponse>();
  // One shared listener function (no closure per request).
  function answered(this: ServerResponse) {
    inFlight.delete(this);
  }
  const server = createServer(options.http ?? {}, (req, res) => {
    const hit = hits();
    if (hit !== null && hit(req, res)) return;
    inFlight.add(res);
    res.on('close', answered);
    fastify(req, res);
  });
  if (options.keepAliveTimeout !== undefined) server.keepAliveTimeout = options.keepAliveTimeout;
  if (options.requestTimeout !== undefined) server.requestTimeout = options.requestTimeout;
  server.setTimeout(options.connectionTimeout ?? 0);
  if (options.maxRequestsPerSocket) server.maxRequestsPerSocket = options.maxRequestsPerSocket;
  return { server, inFlight };
}
