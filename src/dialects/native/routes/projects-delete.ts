// DELETE /v1/workspaces/:name/projects/:project — soft delete of a project.
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { projectWire } from '../wire.ts';
import { ProjectParams } from '../schemas.ts';

export const schema = { summary: 'Delete a project', tags: ['workspaces'], params: ProjectParams };

export default function route(app: FastifyInstance) {
  app
    .withTypeProvider<TypeBoxTypeProvider>()
    .delete('/workspaces/:name/projects/:project', { schema }, async (req) => {
      const p = await app.registry.deleteProject(req.actor, req.params.name, req.params.project);
      return { project: projectWire(p) };
    });
}
