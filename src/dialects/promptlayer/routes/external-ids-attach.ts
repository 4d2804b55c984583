// POST /prompt-templates/{prompt_template_id}/external-ids — map `{source, external_id}` onto a
// template. 201 with the template's mappings; attaching a pair the template already has is
// idempotent (200); a pair mapped to another template of the workspace is a 409.
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { ExternalIdValue, ExternalSource, TemplateIdParams } from '../schemas.ts';
import { externalIdsWire } from '../wire.ts';
import { ExternalIdsBody, errors } from '../responses.ts';

export const schema = {
  operationId: 'promptlayerAttachExternalId',
  summary: 'Attach an external id to a prompt template (PromptLayer)',
  tags: ['promptlayer'],
  params: TemplateIdParams,
  body: Type.Object({ source: ExternalSource, external_id: ExternalIdValue }),
  response: { 200: ExternalIdsBody, 201: ExternalIdsBody, ...errors },
};

export default function route(app: FastifyInstance) {
  app
    .withTypeProvider<TypeBoxTypeProvider>()
    .post('/prompt-templates/:prompt_template_id/external-ids', { schema }, async (req, reply) => {
      const out = await app.registry.attachExternalId(
        req.actor,
        { seq: req.params.prompt_template_id },
        { source: req.body.source, externalId: req.body.external_id },
      );
      return reply.code(out.created ? 201 : 200).send(externalIdsWire(out.prompt, out.externalIds));
    });
}
