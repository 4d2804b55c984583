// DELETE /v1/workspaces/:name — soft delete of an empty workspace (409 while it holds prompts).
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { workspaceWire } from '../wire.ts';
import { WorkspaceParams } from '../schemas.ts';
import { WorkspaceBody, errors } from '../responses.ts';

export const schema = {
  operationId: 'deleteWorkspace',
  summary: 'Delete a workspace',
  tags: ['workspaces'],
  params: WorkspaceParams,
  response: { 200: WorkspaceBody, ...errors },
};

export default function route(app: FastifyInstance) {
  app.withTypeProvider<TypeBoxTypeProvider>().delete('/workspaces/:name', { schema }, async (req) => {
    return { workspace: workspaceWire(await app.registry.deleteWorkspace(req.actor, req.params.name)) };
  });
}
