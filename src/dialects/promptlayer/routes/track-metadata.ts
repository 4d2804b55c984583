// POST /library-track-metadata (SDK, key in the body) and /rest/track-metadata (REST docs,
// X-API-KEY) — merges string metadata into a logged request; an existing key is replaced
// (runtime.md §1.5). Unknown or another workspace's request: 404 in PromptLayer's envelope.
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { stringMetadata } from '../tracking.ts';
import { RequestId, TRACKING_CONFIG, Tracked } from '../tracking-routes.ts';
import { errors } from '../responses.ts';

export const schema = {
  operationId: 'promptlayerTrackMetadata',
  summary: 'Add metadata to a logged request (PromptLayer)',
  tags: ['promptlayer'],
  body: Type.Object(
    { request_id: RequestId, metadata: Type.Record(Type.String({ maxLength: 1024 }), Type.Unknown()) },
    { additionalProperties: true },
  ),
  response: { 200: Tracked, ...errors },
};

export default function route(app: FastifyInstance) {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  for (const url of ['/library-track-metadata', '/rest/track-metadata']) {
    r.post(
      url,
      {
        schema: { ...schema, operationId: `${schema.operationId}${url.startsWith('/rest') ? 'Rest' : ''}` },
        config: TRACKING_CONFIG,
      },
      async (req) => {
        await app.registry.enrichRequest(req.actor, String(req.body.request_id), {
          metadata: stringMetadata(req.body.metadata),
        });
        return { success: true, message: 'Metadata tracked successfully' };
      },
    );
  }
}
