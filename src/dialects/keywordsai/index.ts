// The Keywords AI (Respan) prompt management API under /api/prompts: DRF-style pages and
// {"detail": "..."} errors. Root routing ignores trailing slashes, so every route answers both forms.
import type { FastifyInstance } from 'fastify';
import { LecternError } from '../../model/errors.ts';
import { toKwError } from './errors.ts';
import { hasOverlongSegment, pathSegmentTooLong } from '../common/path-limits.ts';
import { routes } from './routes/index.ts';
import keywordsaiGateway from './gateway.ts';
import { declareApi } from '../common/write-api.ts';

/** Shared response schemas, added at the root by server/app.ts. */
export { components as schemas } from './responses.ts';

export default async function keywordsaiApi(app: FastifyInstance): Promise<void> {
  declareApi(app, 'keywordsai');
  app.setErrorHandler((err, req, reply) => {
    const e = toKwError(err);
    if (e.status >= 500) req.log.error({ err }, 'request failed');
    if (e.status === 401) reply.header('www-authenticate', 'Bearer realm="api"');
    if (e.retryAfter) reply.header('retry-after', String(e.retryAfter));
    return reply.code(e.status).send({ detail: e.detail });
  });
  // The old SDK posts without a body (create prompt, list, commit): treat it as {}.
  app.addHook('preValidation', async (req) => {
    if (req.body === undefined || req.body === null) req.body = {};
  });
  for (const route of routes) route(app);
  await app.register(keywordsaiGateway);
  // Unknown paths under /api/prompts answer in this dialect's envelope (not an operation: hidden).
  // (A route whose segment is over the router's limit lands here too: say so, not "not found".)
  app.all('/api/prompts/*', { schema: { hide: true } }, async (req) => {
    if (hasOverlongSegment(req.url)) throw pathSegmentTooLong();
    throw new LecternError({ kind: 'not_found', what: 'route' }, 'not found');
  });
}
