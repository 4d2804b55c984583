// PUT /prompt-templates/by-external-id/{source}/{external_id} — publish by a client's own id. The
// body is publish's. When the pair is mapped in the caller's workspace, a version is appended to the
// mapped template (200); otherwise the template named in the body gets the version (created when
// absent) and the pair is mapped onto it (201). The answer is publish's CreatePromptTemplateResponse.
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { PublishBody, publishFailure, publishInputOf, publishPlan } from '../publish-body.ts';
import { ExternalIdValue, ExternalSource } from '../schemas.ts';
import { createdWire } from '../wire.ts';
import { CreatedBody, errors } from '../responses.ts';

export const schema = {
  operationId: 'promptlayerUpsertByExternalId',
  summary: 'Upsert a prompt template by external id (PromptLayer)',
  tags: ['promptlayer'],
  params: Type.Object({ source: ExternalSource, external_id: ExternalIdValue }),
  body: PublishBody,
  response: { 200: CreatedBody, 201: CreatedBody, ...errors },
};

export default function route(app: FastifyInstance) {
  app
    .withTypeProvider<TypeBoxTypeProvider>()
    .put('/prompt-templates/by-external-id/:source/:external_id', { schema }, async (req, reply) => {
      const key = { source: req.params.source, externalId: req.params.external_id };
      const input = publishInputOf(req.body);
      // Snippet cycles are judged against the template the version lands on (the mapped one, else
      // the body's): the write checks them under that template's lock.
      const out = await app.registry
        .write(
          req.actor,
          publishPlan(input, {
            kind: 'external_id',
            key,
            prompt: input.prompt,
            onExisting: input.onExisting,
          }),
        )
        .catch((e: unknown) => {
          throw publishFailure(e);
        });
      return reply.code(out.created ? 201 : 200).send(createdWire(out.prompt, out.version!, out.externalIds));
    });
}
