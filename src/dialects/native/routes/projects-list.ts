// GET /v1/workspaces/:name/projects — the live projects of a workspace.
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { pageWire, projectWire } from '../wire.ts';
import { PageQuery, WorkspaceParams } from '../schemas.ts';
import { ProjectPage, errors } from '../responses.ts';

export const schema = {
  operationId: 'listProjects',
  summary: 'List projects',
  tags: ['workspaces'],
  params: WorkspaceParams,
  querystring: PageQuery,
  response: { 200: ProjectPage, ...errors },
};

export default function route(app: FastifyInstance) {
  app.withTypeProvider<TypeBoxTypeProvider>().get('/workspaces/:name/projects', { schema }, async (req) => {
    const page = await app.registry.listProjects(req.actor, req.params.name, req.query);
    return pageWire(page, req.query, projectWire);
  });
}
