// DELETE /api/prompts/{prompt_id}/versions/{version}/ — never the live version (400). Soft delete;
// the number is not reused.
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { badRequest } from '../../../model/errors.ts';
import { PRODUCTION_LABEL } from '../../../model/types.ts';
import { promptRefOf, versionSelectorOf } from '../ids.ts';
import { VersionParams } from '../schemas.ts';
import { NoContent, errors } from '../responses.ts';

export const schema = {
  operationId: 'keywordsaiDeleteVersion',
  summary: 'Delete a prompt version (Keywords AI)',
  tags: ['keywordsai'],
  params: VersionParams,
  response: { 204: NoContent, ...errors },
};

export default function route(app: FastifyInstance) {
  app
    .withTypeProvider<TypeBoxTypeProvider>()
    .delete('/api/prompts/:prompt_id/versions/:version', { schema }, async (req, reply) => {
      const ref = promptRefOf(req.params.prompt_id);
      const { version } = await app.registry.getVersion(
        req.actor,
        ref,
        versionSelectorOf(req.params.version, ref.id),
      );
      if (version.labels.includes(PRODUCTION_LABEL)) {
        throw badRequest(
          `Version ${version.number} is the live version and cannot be deleted; deploy another version first.`,
        );
      }
      await app.registry.deleteVersion(req.actor, ref, version.number);
      return reply.code(204).send();
    });
}
