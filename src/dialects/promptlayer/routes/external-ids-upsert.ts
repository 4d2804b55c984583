// PUT /prompt-templates/by-external-id/{source}/{external_id} — publish by a client's own id. The
// body is publish's. When the pair is mapped in the caller's workspace, a version is appended to the
// mapped template (200); otherwise the template named in the body gets the version (created when
// absent) and the pair is mapped onto it (201). The answer is publish's CreatePromptTemplateResponse.
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { PublishBody, publishInputOf } from '../publish-body.ts';
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
      // Snippet cycles are judged against the template the version will land on: the mapped one
      // (looked up only when the body has snippet tags to check).
      const input = await publishInputOf(
        app,
        req.actor,
        req.body,
        async () =>
          (await app.registry.findByExternalId(req.actor, key))?.name ?? req.body.prompt_template.prompt_name,
      );
      const out = await app.registry.write(req.actor, {
        target: { kind: 'external_id', key, prompt: input.prompt, onExisting: input.onExisting },
        version: { mode: 'new_committed', content: input.content },
        labels: input.labels.map((name) => ({ name, to: 'written' as const })),
        attach: input.externalIds,
        withExternalIds: true,
      });
      return reply.code(out.created ? 201 : 200).send(createdWire(out.prompt, out.version!, out.externalIds));
    });
}
