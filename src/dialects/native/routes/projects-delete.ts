// DELETE /v1/workspaces/:name/projects/:project — soft delete of a project.
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { projectWire } from '../wire.ts';
import { ProjectParams } from '../schemas.ts';
import { ProjectBody, errors } from '../responses.ts';

export const schema = {
  operationId: 'deleteProject',
  summary: 'Delete a project',
  tags: ['workspaces'],
  params: ProjectParams,
  response: { 200: ProjectBody, ...errors },
};

export default function route(app: FastifyInstance) {
  app
    .withTypeProvider<TypeBoxTypeProvider>()
    .delete('/workspaces/:name/projects/:project', { schema }, async (req) => {
      const p = await app.registry.deleteProject(req.actor, req.params.name, req.params.project);
      return { project: projectWire(p) };
    });
}
