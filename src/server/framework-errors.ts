// Requests Fastify's router refuses before any route runs — a path segment longer than the router
// allows, a segment whose percent-encoding is broken — answered in the envelope of the API the
// path belongs to, with a message that says what is wrong (and does not echo the path). The
// route table learns each route's error handler as routes are registered, so this module knows no
// dialect's URLs: the path is matched against the routes' own patterns.
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { badRequest, notFound, type LecternError } from '../model/errors.ts';
import { pathSegmentTooLong } from '../dialects/common/path-limits.ts';

export { MAX_PATH_SEGMENT } from '../dialects/common/path-limits.ts';

type Handler = (err: FastifyError, req: FastifyRequest, reply: FastifyReply) => unknown;

interface Entry {
  prefix: string;
  pattern: RegExp;
  handler: Handler;
}

export class ErrorRoutes {
  private readonly entries: Entry[] = [];
  fallback: Handler | undefined;

  add(url: string, handler: Handler): void {
    const param = url.search(/[:*]/);
    const prefix = param < 0 ? url : url.slice(0, param);
    const source = url
      .replace(/\/+$/, '')
      .split('/')
      .map((seg) =>
        seg.startsWith(':') ? '[^/]+' : seg === '*' ? '.*' : seg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'),
      )
      .join('/');
    this.entries.push({ prefix, pattern: new RegExp(`^${source}/?$`), handler });
  }

  /** The handler of a route whose pattern the path matches (any method), if one does. */
  exactHandlerFor(path: string): Handler | undefined {
    return this.entries.find((e) => e.pattern.test(path))?.handler;
  }

  /** The handler of the route the path matches, else of the route with the longest static prefix. */
  handlerFor(path: string): Handler | undefined {
    let best: Entry | undefined;
    for (const e of this.entries) {
      if (e.pattern.test(path)) return e.handler;
      if (path.startsWith(e.prefix) && e.prefix.length > (best?.prefix.length ?? 0)) best = e;
    }
    return best?.handler ?? this.fallback;
  }
}

export function frameworkErrorOf(err: FastifyError, maxParamLength: number): LecternError {
  if (err.code === 'FST_ERR_MAX_PARAM_LENGTH') return pathSegmentTooLong(maxParamLength);
  if (err.code === 'FST_ERR_BAD_URL') {
    return badRequest('a path segment is not valid percent-encoded UTF-8', {
      reason: 'bad_url_encoding',
    });
  }
  return badRequest('the request could not be routed', { reason: 'unroutable' });
}

/** A path that exists, asked with a method it does not serve: a 404 like any unknown route. */
export const methodNotServed = (method: string, path: string) =>
  notFound(`route ${method} ${path}`, { method });

/** Fastify's `frameworkErrors` option, answering through the matched route's error handler. */
export function frameworkErrors(table: ErrorRoutes, maxParamLength: number) {
  return (err: FastifyError, req: FastifyRequest, reply: FastifyReply) => {
    const path = req.raw.url?.split('?')[0] ?? '/';
    const handler = table.handlerFor(path);
    const error = frameworkErrorOf(err, maxParamLength) as unknown as FastifyError;
    if (handler) return handler(error, req, reply);
    return reply.code(400).send({ error: { code: 'bad_request', message: error.message, details: {} } });
  };
}

/** Records every route's error handler (the encapsulated one, or the route's own). */
export function installErrorRoutes(app: FastifyInstance, table: ErrorRoutes): void {
  app.addHook('onRoute', function (this: FastifyInstance, route) {
    const handler = (route.errorHandler ?? this.errorHandler) as Handler;
    table.add(route.url, handler);
  });
}
