// GET /apis/entities/v2/workspaces/{workspace}/projects/{name} — one project, nulls included.
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { codeOf, projectNotFound } from '../entity-errors.ts';
import { ProjectPath } from '../schemas.ts';
import { projectWire } from '../wire.ts';
import { ProjectBody, errors } from '../responses.ts';

export const schema = {
  operationId: 'nemoGetProject',
  summary: 'Get a project (NeMo)',
  tags: ['nemo'],
  params: ProjectPath,
  response: { 200: ProjectBody, ...errors },
};

export default function route(app: FastifyInstance) {
  app
    .withTypeProvider<TypeBoxTypeProvider>()
    .get('/apis/entities/v2/workspaces/:workspace/projects/:name', { schema }, async (req) => {
      const { workspace, name } = req.params;
      try {
        return projectWire(await app.registry.getProject(req.actor, workspace, name), workspace);
      } catch (err) {
        if (codeOf(err) === 'not_found') throw projectNotFound(workspace, name);
        throw err;
      }
    });
}
