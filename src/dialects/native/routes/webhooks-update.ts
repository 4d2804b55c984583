// PATCH /v1/webhooks/:id — change url, filters, mode; `enabled: false` disables, `true` re-enables.
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { errors } from '../responses.ts';
import {
  EndpointBody,
  EndpointEnvelope,
  EndpointParams,
  WorkspaceQuery,
  endpointWire,
} from '../webhooks-wire.ts';

export const schema = {
  operationId: 'updateWebhook',
  summary: 'Update, disable or enable a webhook endpoint',
  description:
    'Fields left out keep their value. `enabled: true` clears the reason of an automatic disable ' +
    'and sends its pending deliveries now; while disabled, new events are not queued for it.',
  tags: ['webhooks'],
  params: EndpointParams,
  querystring: WorkspaceQuery,
  body: Type.Object(
    { ...EndpointBody, url: Type.Optional(EndpointBody.url), enabled: Type.Optional(Type.Boolean()) },
    { additionalProperties: false },
  ),
  response: { 200: EndpointEnvelope, ...errors },
};

export default function route(app: FastifyInstance) {
  app.withTypeProvider<TypeBoxTypeProvider>().patch('/webhooks/:id', { schema }, async (req) => {
    const ep = await app.registry.updateWebhook(req.actor, req.params.id, req.body, {
      workspace: req.query.workspace,
    });
    return { webhook: endpointWire(ep) };
  });
}
