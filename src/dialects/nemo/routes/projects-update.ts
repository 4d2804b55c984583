// PUT /apis/entities/v2/workspaces/{workspace}/projects/{name} — replaces the project's mutable
// fields (its description; omitted means cleared). Projects cannot be renamed (NeMo): a body `name`
// is ignored like any unknown key.
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { codeOf, projectNotFound } from '../entity-errors.ts';
import { ProjectPath, UpdateNamedBody } from '../schemas.ts';
import { projectWire } from '../wire.ts';
import { ProjectBody, errors } from '../responses.ts';

export const schema = {
  operationId: 'nemoUpdateProject',
  summary: 'Update a project (NeMo)',
  tags: ['nemo'],
  params: ProjectPath,
  body: UpdateNamedBody,
  response: { 200: ProjectBody, ...errors },
};

export default function route(app: FastifyInstance) {
  app
    .withTypeProvider<TypeBoxTypeProvider>()
    .put('/apis/entities/v2/workspaces/:workspace/projects/:name', { schema }, async (req) => {
      const { workspace, name } = req.params;
      try {
        const p = await app.registry.updateProject(req.actor, workspace, name, {
          description: req.body.description ?? null,
        });
        return projectWire(p, workspace);
      } catch (err) {
        // An unknown workspace and an unknown project both mean "no such project" here, as GET says.
        if (codeOf(err) === 'not_found') throw projectNotFound(workspace, name);
        throw err;
      }
    });
}
