// DELETE /api/prompts/{prompt_id}/ — soft delete (the prompt goes to the trash; restorable natively).
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { promptRefOf } from '../ids.ts';
import { PromptParams } from '../schemas.ts';

export const schema = {
  summary: 'Delete a prompt (Keywords AI)',
  tags: ['keywordsai'],
  params: PromptParams,
};

export default function route(app: FastifyInstance) {
  app
    .withTypeProvider<TypeBoxTypeProvider>()
    .delete('/api/prompts/:prompt_id', { schema }, async (req, reply) => {
      await app.registry.deletePrompt(req.actor, promptRefOf(req.params.prompt_id));
      return reply.code(204).send();
    });
}
