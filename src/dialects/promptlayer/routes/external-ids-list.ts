// GET /prompt-templates/{prompt_template_id}/external-ids — the template's mappings, oldest first.
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { TemplateIdParams } from '../schemas.ts';
import { externalIdsWire } from '../wire.ts';
import { ExternalIdsBody, errors } from '../responses.ts';

export const schema = {
  operationId: 'promptlayerListExternalIds',
  summary: 'List the external ids of a prompt template (PromptLayer)',
  tags: ['promptlayer'],
  params: TemplateIdParams,
  response: { 200: ExternalIdsBody, ...errors },
};

export default function route(app: FastifyInstance) {
  app
    .withTypeProvider<TypeBoxTypeProvider>()
    .get('/prompt-templates/:prompt_template_id/external-ids', { schema }, async (req) => {
      const out = await app.registry.listExternalIds(req.actor, { seq: req.params.prompt_template_id });
      return externalIdsWire(out.prompt, out.externalIds);
    });
}
