// DELETE /prompt-templates/{prompt_template_id}/external-ids/{source}/{external_id} — detach a
// mapping; 204. A pair the template does not carry is a 404.
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { ExternalIdValue, ExternalSource, TemplateIdParams } from '../schemas.ts';
import { NoContent, errors } from '../responses.ts';

export const schema = {
  operationId: 'promptlayerDetachExternalId',
  summary: 'Detach an external id from a prompt template (PromptLayer)',
  tags: ['promptlayer'],
  params: Type.Composite([
    TemplateIdParams,
    Type.Object({ source: ExternalSource, external_id: ExternalIdValue }),
  ]),
  response: { 204: NoContent, ...errors },
};

export default function route(app: FastifyInstance) {
  app
    .withTypeProvider<TypeBoxTypeProvider>()
    .delete(
      '/prompt-templates/:prompt_template_id/external-ids/:source/:external_id',
      { schema },
      async (req, reply) => {
        await app.registry.detachExternalId(
          req.actor,
          { seq: req.params.prompt_template_id },
          { source: req.params.source, externalId: req.params.external_id },
        );
        return reply.code(204).send();
      },
    );
}
