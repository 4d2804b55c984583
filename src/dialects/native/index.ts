// The native API under /v1: the whole model, one route per file, one error envelope:
// {"error":{"code","message","details"}}.
import type { FastifyInstance } from 'fastify';
import { toProblem } from '../common/errors.ts';
import { TemplateError } from '../../templates/index.ts';
import { routes } from './routes/index.ts';
import { declareApi } from '../common/write-api.ts';

/** Shared response schemas, added at the root by server/app.ts (see there). */
export { components as schemas } from './responses.ts';

export default async function nativeApi(app: FastifyInstance): Promise<void> {
  declareApi(app, 'native');
  app.setErrorHandler((err, req, reply) => {
    const p = toProblem(err);
    if (p.status >= 500 && p.status !== 502 && p.status !== 504) req.log.error({ err }, 'request failed');
    const f = p.fault;
    if (
      f &&
      (f.kind === 'rate_limited' ||
        f.kind === 'render_busy' ||
        f.kind === 'unavailable' ||
        f.kind === 'upstream_rate_limited')
    )
      reply.header('retry-after', String(f.retryAfter));
    // Template failures keep their own code (missing_variables, render_limit, template_syntax, …)
    // so a client can branch on it without parsing the message.
    const code = err instanceof TemplateError ? err.code : p.code;
    return reply.code(p.status).send({ error: { code, message: p.message, details: p.details } });
  });
  for (const route of routes) route(app);
}
