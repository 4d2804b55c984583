// DELETE /v1/webhooks/:id — remove an endpoint and its delivery log.
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { errors } from '../responses.ts';
import { EndpointParams, WorkspaceQuery } from '../webhooks-wire.ts';

export const schema = {
  operationId: 'deleteWebhook',
  summary: 'Delete a webhook endpoint',
  tags: ['webhooks'],
  params: EndpointParams,
  querystring: WorkspaceQuery,
  response: { 200: Type.Object({ deleted: Type.Boolean(), id: Type.String() }), ...errors },
};

export default function route(app: FastifyInstance) {
  app.withTypeProvider<TypeBoxTypeProvider>().delete('/webhooks/:id', { schema }, async (req) => {
    await app.registry.deleteWebhook(req.actor, req.params.id, { workspace: req.query.workspace });
    return { deleted: true, id: req.params.id };
  });
}
