// GET /apis/entities/v2/workspaces/{workspace}/projects — the workspace's projects, paged.
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { codeOf, pageOffset } from '../entity-errors.ts';
import { NemoHttpError } from '../errors.ts';
import { PageQuery, WorkspacePath } from '../schemas.ts';
import { dropNulls, pageEnvelope, projectWire } from '../wire.ts';
import { ProjectPage, errors } from '../responses.ts';

export const schema = {
  operationId: 'nemoListProjects',
  summary: 'List projects (NeMo)',
  tags: ['nemo'],
  params: WorkspacePath,
  querystring: Type.Object(PageQuery),
  response: { 200: ProjectPage, ...errors },
};

export default function route(app: FastifyInstance) {
  app
    .withTypeProvider<TypeBoxTypeProvider>()
    .get('/apis/entities/v2/workspaces/:workspace/projects', { schema }, async (req) => {
      const { workspace } = req.params;
      const { page, page_size: pageSize } = req.query;
      try {
        const p = await app.registry.listProjects(req.actor, workspace, {
          limit: pageSize,
          offset: pageOffset(page, pageSize),
        });
        return pageEnvelope(
          p.items.map((x) => dropNulls(projectWire(x, workspace))),
          p.total,
          page,
          pageSize,
          'created_at',
        );
      } catch (err) {
        if (codeOf(err) === 'not_found') throw new NemoHttpError(404, `Workspace '${workspace}' not found`);
        throw err;
      }
    });
}
