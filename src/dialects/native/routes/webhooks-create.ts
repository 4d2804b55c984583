// POST /v1/webhooks — register an endpoint; its signing secret is in this answer and nowhere else.
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { errors } from '../responses.ts';
import { EndpointBody, EndpointWithSecret, WorkspaceQuery, endpointWire } from '../webhooks-wire.ts';

export const schema = {
  operationId: 'createWebhook',
  summary: 'Create a webhook endpoint',
  description:
    'Admin only, per workspace. Every change any API makes is sent as a signed event (Standard ' +
    'Webhooks). `secret` (whsec_…) is shown once. See docs/webhooks.md.',
  tags: ['webhooks'],
  querystring: WorkspaceQuery,
  body: Type.Object(EndpointBody, { additionalProperties: false }),
  response: { 201: EndpointWithSecret, ...errors },
};

export default function route(app: FastifyInstance) {
  app.withTypeProvider<TypeBoxTypeProvider>().post('/webhooks', { schema }, async (req, reply) => {
    const { endpoint, secret } = await app.registry.createWebhook(req.actor, {
      ...req.body,
      workspace: req.query.workspace,
    });
    reply.header('cache-control', 'no-store');
    return reply.code(201).send({ webhook: endpointWire(endpoint), secret });
  });
}
