// DELETE /apis/models/v2/workspaces/{workspace}/prompts/{name} — 204; the name is free again at once.
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { PromptPath } from '../schemas.ts';
import { translatePromptError } from '../lookup.ts';
import { NoContent, errors } from '../responses.ts';

export const schema = {
  operationId: 'nemoDeletePrompt',
  summary: 'Delete a prompt (NeMo)',
  tags: ['nemo'],
  params: PromptPath,
  response: { 204: NoContent, ...errors },
};

export default function route(app: FastifyInstance) {
  app
    .withTypeProvider<TypeBoxTypeProvider>()
    .delete('/apis/models/v2/workspaces/:workspace/prompts/:name', { schema }, async (req, reply) => {
      const { workspace, name } = req.params;
      try {
        await app.registry.deletePrompt(req.actor, { name, workspace });
      } catch (err) {
        throw translatePromptError(err, workspace, name);
      }
      return reply.code(204).send();
    });
}
