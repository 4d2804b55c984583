// POST /track-group (SDK, key in the body) and /rest/track-group — puts a logged request into a
// group made by /create-group (runtime.md §1.5). Either id unknown in the caller's workspace: 404.
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { RequestId, TRACKING_CONFIG, Tracked } from '../tracking-routes.ts';
import { errors } from '../responses.ts';

export const schema = {
  operationId: 'promptlayerTrackGroup',
  summary: 'Put a logged request into a group (PromptLayer)',
  tags: ['promptlayer'],
  body: Type.Object(
    { request_id: RequestId, group_id: Type.Integer({ minimum: 1 }) },
    { additionalProperties: true },
  ),
  response: { 200: Tracked, ...errors },
};

export default function route(app: FastifyInstance) {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  for (const url of ['/track-group', '/rest/track-group']) {
    r.post(
      url,
      {
        schema: { ...schema, operationId: `${schema.operationId}${url.startsWith('/rest') ? 'Rest' : ''}` },
        config: TRACKING_CONFIG,
      },
      async (req) => {
        await app.registry.groupRequest(req.actor, String(req.body.request_id), req.body.group_id);
        return { success: true, message: 'Group tracked successfully' };
      },
    );
  }
}
