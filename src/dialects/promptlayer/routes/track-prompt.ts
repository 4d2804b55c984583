// POST /library-track-prompt and /rest/track-prompt — ties a logged request to a template version
// (runtime.md §1.5): `label` wins over `version`; neither means the newest version. Stores the
// input variables and the label. An unknown template, version or label is a 404.
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { JsonObject } from '../../../model/types.ts';
import { notFound, isFault } from '../../../model/errors.ts';
import { RequestId, TRACKING_CONFIG, Tracked, promptRefOf, selectorOf } from '../tracking-routes.ts';
import { errors } from '../responses.ts';

export const schema = {
  operationId: 'promptlayerTrackPrompt',
  summary: 'Tie a logged request to a prompt template version (PromptLayer)',
  tags: ['promptlayer'],
  body: Type.Object(
    {
      request_id: RequestId,
      prompt_name: Type.String({ minLength: 1 }),
      prompt_input_variables: Type.Optional(
        Type.Union([Type.Record(Type.String(), Type.Unknown()), Type.Null()]),
      ),
      version: Type.Optional(Type.Union([Type.Integer({ minimum: 1 }), Type.String(), Type.Null()])),
      label: Type.Optional(Type.Union([Type.String(), Type.Null()])),
    },
    { additionalProperties: true },
  ),
  response: { 200: Tracked, ...errors },
};

export default function route(app: FastifyInstance) {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  for (const url of ['/library-track-prompt', '/rest/track-prompt']) {
    r.post(
      url,
      {
        schema: { ...schema, operationId: `${schema.operationId}${url.startsWith('/rest') ? 'Rest' : ''}` },
        config: TRACKING_CONFIG,
      },
      async (req) => {
        const b = req.body;
        const vars = (b.prompt_input_variables ?? null) as JsonObject | null;
        try {
          await app.registry.linkRequest(
            req.actor,
            String(b.request_id),
            { prompt: promptRefOf(b.prompt_name), select: selectorOf(b.version, b.label) },
            vars ? { inputVariables: vars } : {},
          );
        } catch (e) {
          // The request's own not-found keeps its text; the template's is named as PromptLayer does.
          if (isFault(e, 'prompt_not_found', 'workspace_not_found', 'version_not_found', 'label_not_found')) {
            throw notFound(`Prompt template ${b.prompt_name}`);
          }
          throw e;
        }
        return { success: true, message: 'Prompt tracked successfully' };
      },
    );
  }
}
