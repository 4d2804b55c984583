// POST /create-group — a new request group in the caller's workspace: 200 `{success, id}`
// (runtime.md §1.6). `group.create()` returns the id; logs point at it through run()'s `groupId`
// or track-group.
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { AnyBody, TRACKING_CONFIG } from '../tracking-routes.ts';
import { errors } from '../responses.ts';

export const schema = {
  operationId: 'promptlayerCreateGroup',
  summary: 'Create a request group (PromptLayer)',
  tags: ['promptlayer'],
  body: Type.Optional(AnyBody),
  response: { 200: Type.Object({ success: Type.Boolean(), id: Type.Integer() }), ...errors },
};

export default function route(app: FastifyInstance) {
  app
    .withTypeProvider<TypeBoxTypeProvider>()
    .post('/create-group', { schema, config: TRACKING_CONFIG }, async (req) => {
      const g = await app.registry.createRequestGroup(req.actor);
      return { success: true, id: g.id };
    });
}
