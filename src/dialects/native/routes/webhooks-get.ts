// GET /v1/webhooks/:id — one endpoint, with its health (why it is disabled, last success).
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { errors } from '../responses.ts';
import { EndpointEnvelope, EndpointParams, WorkspaceQuery, endpointWire } from '../webhooks-wire.ts';

export const schema = {
  operationId: 'getWebhook',
  summary: 'Get a webhook endpoint',
  tags: ['webhooks'],
  params: EndpointParams,
  querystring: WorkspaceQuery,
  response: { 200: EndpointEnvelope, ...errors },
};

export default function route(app: FastifyInstance) {
  app.withTypeProvider<TypeBoxTypeProvider>().get('/webhooks/:id', { schema }, async (req) => {
    const ep = await app.registry.getWebhook(req.actor, req.params.id, { workspace: req.query.workspace });
    return { webhook: endpointWire(ep) };
  });
}
