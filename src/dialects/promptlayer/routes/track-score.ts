// POST /library-track-score and /rest/track-score — a named score 0–100 on a logged request; a
// score of the same name is replaced (runtime.md §1.5, §6.3). The spec types `score` as an
// integer: 50.0 is taken, 50.5 is a 422, as pydantic's int does.
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { RequestId, TRACKING_CONFIG, Tracked } from '../tracking-routes.ts';
import { errors } from '../responses.ts';

export const schema = {
  operationId: 'promptlayerTrackScore',
  summary: 'Score a logged request (PromptLayer)',
  tags: ['promptlayer'],
  body: Type.Object(
    {
      request_id: RequestId,
      score: Type.Integer({ minimum: 0, maximum: 100 }),
      name: Type.Optional(Type.Union([Type.String({ minLength: 1, maxLength: 256 }), Type.Null()])),
    },
    { additionalProperties: true },
  ),
  response: { 200: Tracked, ...errors },
};

export default function route(app: FastifyInstance) {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  for (const url of ['/library-track-score', '/rest/track-score']) {
    r.post(
      url,
      {
        schema: { ...schema, operationId: `${schema.operationId}${url.startsWith('/rest') ? 'Rest' : ''}` },
        config: TRACKING_CONFIG,
      },
      async (req) => {
        const name = req.body.name ?? 'default';
        await app.registry.enrichRequest(req.actor, String(req.body.request_id), {
          scores: [{ name, value: req.body.score, source: 'pl.track-score' }],
        });
        return { success: true, message: 'Score tracked successfully' };
      },
    );
  }
}
