// POST /v1/webhooks/:id/rotate-secret — a new secret (shown once); the old one still signs for 24 h.
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { errors } from '../responses.ts';
import { EndpointParams, EndpointWithSecret, WorkspaceQuery, endpointWire } from '../webhooks-wire.ts';

export const schema = {
  operationId: 'rotateWebhookSecret',
  summary: 'Rotate a webhook endpoint’s secret',
  description:
    'For 24 hours every delivery carries two `v1,` signatures (new and previous secret), so the ' +
    'receiver can switch without losing an event.',
  tags: ['webhooks'],
  params: EndpointParams,
  querystring: WorkspaceQuery,
  response: { 200: EndpointWithSecret, ...errors },
};

export default function route(app: FastifyInstance) {
  app
    .withTypeProvider<TypeBoxTypeProvider>()
    .post('/webhooks/:id/rotate-secret', { schema }, async (req, reply) => {
      const { endpoint, secret } = await app.registry.rotateWebhookSecret(req.actor, req.params.id, {
        workspace: req.query.workspace,
      });
      reply.header('cache-control', 'no-store');
      return { webhook: endpointWire(endpoint), secret };
    });
}
