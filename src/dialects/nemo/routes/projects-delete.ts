// DELETE /apis/entities/v2/workspaces/{workspace}/projects/{name} — 204.
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { codeOf, projectNotFound } from '../entity-errors.ts';
import { ProjectPath } from '../schemas.ts';
import { NoContent, errors } from '../responses.ts';

export const schema = {
  operationId: 'nemoDeleteProject',
  summary: 'Delete a project (NeMo)',
  tags: ['nemo'],
  params: ProjectPath,
  response: { 204: NoContent, ...errors },
};

export default function route(app: FastifyInstance) {
  app
    .withTypeProvider<TypeBoxTypeProvider>()
    .delete('/apis/entities/v2/workspaces/:workspace/projects/:name', { schema }, async (req, reply) => {
      const { workspace, name } = req.params;
      try {
        await app.registry.deleteProject(req.actor, workspace, name);
      } catch (err) {
        if (codeOf(err) === 'not_found') throw projectNotFound(workspace, name);
        throw err;
      }
      return reply.code(204).send();
    });
}
