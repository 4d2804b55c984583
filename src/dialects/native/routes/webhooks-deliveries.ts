// GET /v1/webhooks/:id/deliveries — the delivery log, newest first, each with its recent attempts.
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { errors } from '../responses.ts';
import { DeliveryPage, DeliveryQuery, EndpointParams, deliveryWire } from '../webhooks-wire.ts';
import { pageWire } from '../wire.ts';

export const schema = {
  operationId: 'listWebhookDeliveries',
  summary: 'List a webhook endpoint’s deliveries',
  tags: ['webhooks'],
  params: EndpointParams,
  querystring: DeliveryQuery,
  response: { 200: DeliveryPage, ...errors },
};

export default function route(app: FastifyInstance) {
  app.withTypeProvider<TypeBoxTypeProvider>().get('/webhooks/:id/deliveries', { schema }, async (req) => {
    const q = req.query;
    const page = await app.registry.listWebhookDeliveries(req.actor, req.params.id, q);
    return pageWire(page, q, deliveryWire);
  });
}
