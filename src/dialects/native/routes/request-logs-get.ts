// GET /v1/request-logs/:id — one logged request in full (request, response, variables), by its
// integer id (PromptLayer `request_id`) or its 32-hex `unique_id` (Keywords AI).
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { WorkspaceQuery } from '../schemas.ts';
import { errors } from '../responses.ts';
import { RequestLogFull, requestLogFullWire } from '../request-log-wire.ts';

export const schema = {
  operationId: 'getRequestLog',
  summary: 'Get a logged request',
  tags: ['request-log'],
  params: Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) }),
  querystring: WorkspaceQuery,
  response: { 200: RequestLogFull, ...errors },
};

export default function route(app: FastifyInstance) {
  // Untyped provider: the full record's schema is too deep for the compiler's inference.
  app.get('/request-logs/:id', { schema }, async (req) => {
    const params = req.params as { id: string };
    const query = req.query as { workspace?: string };
    const r = await app.registry.getRequestLog(req.actor, params.id, query.workspace);
    return requestLogFullWire(r);
  });
}
