// GET /v1/webhooks — the workspace's endpoints (never their secrets).
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { errors } from '../responses.ts';
import { EndpointList, WorkspaceQuery, endpointWire } from '../webhooks-wire.ts';

export const schema = {
  operationId: 'listWebhooks',
  summary: 'List webhook endpoints',
  tags: ['webhooks'],
  querystring: WorkspaceQuery,
  response: { 200: EndpointList, ...errors },
};

export default function route(app: FastifyInstance) {
  app.withTypeProvider<TypeBoxTypeProvider>().get('/webhooks', { schema }, async (req) => {
    const list = await app.registry.listWebhooks(req.actor, { workspace: req.query.workspace });
    return { data: list.map(endpointWire) };
  });
}
