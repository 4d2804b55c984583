// GET /v1/request-groups/:id — one request group with its record count, first/last record time
// and the link to its records (`GET /v1/request-logs?group=:id`).
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { WorkspaceQuery } from '../schemas.ts';
import { errors } from '../responses.ts';
import { RequestGroupBody, requestGroupWire } from '../request-group-wire.ts';

export const schema = {
  operationId: 'getRequestGroup',
  summary: 'Get a request group',
  tags: ['request-log'],
  params: Type.Object({ id: Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER }) }),
  querystring: WorkspaceQuery,
  response: { 200: RequestGroupBody, ...errors },
};

export default function route(app: FastifyInstance) {
  app.withTypeProvider<TypeBoxTypeProvider>().get('/request-groups/:id', { schema }, async (req) => {
    const g = await app.registry.getRequestGroup(req.actor, req.params.id, req.query.workspace);
    return requestGroupWire(g);
  });
}
