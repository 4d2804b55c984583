// DELETE /api/prompts/{prompt_id}/versions/{version}/ — never the live version (400). Soft delete;
// the number is not reused.
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
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
      // A labelled version (the live one among them) is refused by the registry (see errors.ts).
      await app.registry.deleteVersion(req.actor, ref, versionSelectorOf(req.params.version, ref.id));
      return reply.code(204).send();
    });
}
