// GET /v1/workspaces/:name/projects/:project — one project.
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { projectWire } from '../wire.ts';
import { ProjectParams } from '../schemas.ts';
import { ProjectBody, errors } from '../responses.ts';

export const schema = {
  operationId: 'getProject',
  summary: 'Get a project',
  tags: ['workspaces'],
  params: ProjectParams,
  response: { 200: ProjectBody, ...errors },
};

export default function route(app: FastifyInstance) {
  app
    .withTypeProvider<TypeBoxTypeProvider>()
    .get('/workspaces/:name/projects/:project', { schema }, async (req) => {
      const p = await app.registry.getProject(req.actor, req.params.name, req.params.project);
      return { project: projectWire(p) };
    });
}
