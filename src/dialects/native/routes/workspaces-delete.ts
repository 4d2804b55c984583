// DELETE /v1/workspaces/:name — soft delete of an empty workspace (409 while it holds prompts).
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { workspaceWire } from '../wire.ts';
import { WorkspaceParams } from '../schemas.ts';

export const schema = { summary: 'Delete a workspace', tags: ['workspaces'], params: WorkspaceParams };

export default function route(app: FastifyInstance) {
  app.withTypeProvider<TypeBoxTypeProvider>().delete('/workspaces/:name', { schema }, async (req) => {
    return { workspace: workspaceWire(await app.registry.deleteWorkspace(req.actor, req.params.name)) };
  });
}
