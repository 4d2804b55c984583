// DELETE /api/prompts/{prompt_id}/ — soft delete (the prompt goes to the trash; restorable natively).
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { promptRefOf } from '../ids.ts';
import { PromptParams } from '../schemas.ts';
import { NoContent, errors } from '../responses.ts';

export const schema = {
  operationId: 'keywordsaiDeletePrompt',
  summary: 'Delete a prompt (Keywords AI)',
  tags: ['keywordsai'],
  params: PromptParams,
  response: { 204: NoContent, ...errors },
};

export default function route(app: FastifyInstance) {
  app
    .withTypeProvider<TypeBoxTypeProvider>()
    .delete('/api/prompts/:prompt_id', { schema }, async (req, reply) => {
      await app.registry.deletePrompt(req.actor, promptRefOf(req.params.prompt_id));
      return reply.code(204).send();
    });
}
