// Langfuse's public prompt API under /api/public/v2/prompts, so `@langfuse/client`, the legacy
// `langfuse` SDK and Langfuse's Python SDK work against Lectern by changing their base URL and
// keys (public key: the Lectern key's `public_key`; secret key: the Lectern key). Errors are
// Langfuse's `{message, error}`.
import type { FastifyInstance } from 'fastify';
import { LecternError } from '../../model/errors.ts';
import { hasOverlongSegment, pathSegmentTooLong } from '../common/path-limits.ts';
import { toLfError } from './errors.ts';
import { routes } from './routes/index.ts';
import { declareApi } from '../common/write-api.ts';

/** Shared response schemas, added at the root by server/app.ts. */
export { components as schemas } from './responses.ts';

export default async function langfuseApi(app: FastifyInstance): Promise<void> {
  declareApi(app, 'langfuse');
  app.setErrorHandler((err, req, reply) => {
    const e = toLfError(err);
    if (e.status >= 500) req.log.error({ err }, 'request failed');
    if (e.status === 401) reply.header('www-authenticate', 'Basic realm="api"');
    if (e.retryAfter) reply.header('retry-after', String(e.retryAfter));
    return reply.code(e.status).send({ message: e.message, error: e.error });
  });
  for (const route of routes) route(app);
  // Unknown paths under the prompt API answer in this dialect's envelope (not an operation: hidden).
  app.all('/api/public/v2/prompts/*', { schema: { hide: true } }, async (req) => {
    if (hasOverlongSegment(req.url)) throw pathSegmentTooLong();
    throw new LecternError(
      { kind: 'not_found', what: 'route' },
      `no route ${req.method} ${req.url.split('?')[0]}`,
    );
  });
}
