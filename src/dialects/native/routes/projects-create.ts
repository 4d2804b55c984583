// POST /v1/workspaces/:name/projects — a project (NeMo's grouping) inside a workspace.
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { projectWire } from '../wire.ts';
import { NamedBody, WorkspaceParams } from '../schemas.ts';
import { ProjectBody, errors } from '../responses.ts';

export const schema = {
  operationId: 'createProject',
  summary: 'Create a project',
  tags: ['workspaces'],
  params: WorkspaceParams,
  body: NamedBody,
  response: { 201: ProjectBody, ...errors },
};

export default function route(app: FastifyInstance) {
  app
    .withTypeProvider<TypeBoxTypeProvider>()
    .post('/workspaces/:name/projects', { schema }, async (req, reply) => {
      const p = await app.registry.createProject(req.actor, req.params.name, {
        ...req.body,
        metadata: req.body.metadata as never,
      });
      return reply.code(201).send({ project: projectWire(p) });
    });
}
