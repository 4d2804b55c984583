// DELETE /api/public/v2/prompts/{name}?version=N | ?label=L — one version (with its labels, as
// Langfuse deletes labelled versions too), the version a label is on, or with neither every
// version: 204. `latest` needs no moving: it is always the newest live version. Deleting the last
// version deletes the prompt, so its name (and type) is free again, as in Langfuse.
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { badRequest, LecternError } from '../../../model/errors.ts';
import { isNotFound, selectorOf } from '../fetch.ts';
import { errors } from '../responses.ts';

export const schema = {
  operationId: 'langfuseDeletePrompt',
  summary: 'Delete prompt versions (Langfuse)',
  description: 'One `version`, the version holding `label`, or (neither) every version.',
  tags: ['langfuse'],
  params: Type.Object({ name: Type.String({ minLength: 1 }) }),
  querystring: Type.Object({
    version: Type.Optional(Type.Integer({ minimum: 1 })),
    label: Type.Optional(Type.String({ minLength: 1 })),
  }),
  response: { 204: Type.Null({ description: 'deleted' }), ...errors },
};

export default function route(app: FastifyInstance) {
  app
    .withTypeProvider<TypeBoxTypeProvider>()
    .delete('/api/public/v2/prompts/:name', { schema }, async (req, reply) => {
      const { version, label } = req.query;
      const name = req.params.name;
      if (version !== undefined && label !== undefined)
        throw badRequest('Cannot specify both version and label');
      try {
        if (version === undefined && label === undefined)
          await app.registry.deletePrompt(req.actor, { name });
        else
          await app.registry.deleteVersion(req.actor, { name }, selectorOf({ version, label }).sel, {
            dropLabels: true,
            dropEmptyPrompt: true,
          });
      } catch (e) {
        if (!isNotFound(e)) throw e;
        throw new LecternError({ kind: 'not_found', what: 'prompt' }, 'Prompt not found');
      }
      return reply.code(204).send(null);
    });
}
