// POST /v1/webhooks/:id/deliveries/:delivery/replay — send a delivery again now, same webhook-id.
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { errors } from '../responses.ts';
import { DeliveryEnvelope, WorkspaceQuery, deliveryWire } from '../webhooks-wire.ts';

export const schema = {
  operationId: 'replayWebhookDelivery',
  summary: 'Replay a webhook delivery',
  description: 'Queues the delivery again, due now, with a fresh retry schedule and the same webhook-id.',
  tags: ['webhooks'],
  params: Type.Object({
    id: Type.String({ minLength: 1, maxLength: 64 }),
    delivery: Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER }),
  }),
  querystring: WorkspaceQuery,
  response: { 202: DeliveryEnvelope, ...errors },
};

export default function route(app: FastifyInstance) {
  app
    .withTypeProvider<TypeBoxTypeProvider>()
    .post('/webhooks/:id/deliveries/:delivery/replay', { schema }, async (req, reply) => {
      const d = await app.registry.replayWebhookDelivery(req.actor, req.params.id, req.params.delivery, {
        workspace: req.query.workspace,
      });
      return reply.code(202).send({ delivery: deliveryWire(d) });
    });
}
