// DELETE /prompt-labels/{prompt_label_id} — removes a release label; 204.
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { NoContent, errors } from '../responses.ts';

export const schema = {
  operationId: 'promptlayerDeleteLabel',
  summary: 'Delete a release label (PromptLayer)',
  tags: ['promptlayer'],
  params: Type.Object({ prompt_label_id: Type.Integer({ minimum: 1 }) }),
  response: { 204: NoContent, ...errors },
};

export default function route(app: FastifyInstance) {
  app
    .withTypeProvider<TypeBoxTypeProvider>()
    .delete('/prompt-labels/:prompt_label_id', { schema }, async (req, reply) => {
      await app.registry.deleteLabel(req.actor, { seq: req.params.prompt_label_id });
      return reply.code(204).send();
    });
}
