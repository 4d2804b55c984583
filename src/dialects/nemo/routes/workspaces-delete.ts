// DELETE /apis/entities/v2/workspaces/{name} — 204; the built-in `default` and `system` stay, and a
// workspace that still holds prompts is a 409 rather than a cascade that would lose them.
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { codeOf, workspaceNotFound } from '../entity-errors.ts';
import { NemoHttpError } from '../errors.ts';
import { WorkspaceNamePath } from '../schemas.ts';
import { NoContent, errors } from '../responses.ts';

export const schema = {
  operationId: 'nemoDeleteWorkspace',
  summary: 'Delete a workspace (NeMo)',
  tags: ['nemo'],
  params: WorkspaceNamePath,
  response: { 204: NoContent, ...errors },
};

export default function route(app: FastifyInstance) {
  app
    .withTypeProvider<TypeBoxTypeProvider>()
    .delete('/apis/entities/v2/workspaces/:name', { schema }, async (req, reply) => {
      const { name } = req.params;
      if (name === 'system' || name === 'default') {
        throw new NemoHttpError(409, `The built-in workspace '${name}' cannot be deleted`);
      }
      try {
        await app.registry.deleteWorkspace(req.actor, name);
      } catch (err) {
        if (codeOf(err) === 'not_found') throw workspaceNotFound(name);
        if (codeOf(err) === 'conflict')
          throw new NemoHttpError(409, `Workspace '${name}' still holds prompts`);
        throw err;
      }
      return reply.code(204).send();
    });
}
