// GET /v1/workspaces/:name — one workspace (404 for one this key cannot see).
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { workspaceWire } from '../wire.ts';
import { WorkspaceParams } from '../schemas.ts';
import { WorkspaceBody, errors } from '../responses.ts';

export const schema = {
  operationId: 'getWorkspace',
  summary: 'Get a workspace',
  tags: ['workspaces'],
  params: WorkspaceParams,
  response: { 200: WorkspaceBody, ...errors },
};

export default function route(app: FastifyInstance) {
  app.withTypeProvider<TypeBoxTypeProvider>().get('/workspaces/:name', { schema }, async (req) => {
    return { workspace: workspaceWire(await app.registry.getWorkspace(req.actor, req.params.name)) };
  });
}
