// GET /apis/entities/v2/workspaces/{name} — one workspace, nulls included.
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { codeOf, workspaceNotFound } from '../entity-errors.ts';
import { WorkspaceNamePath } from '../schemas.ts';
import { workspaceWire } from '../wire.ts';
import { WorkspaceBody, errors } from '../responses.ts';

export const schema = {
  operationId: 'nemoGetWorkspace',
  summary: 'Get a workspace (NeMo)',
  tags: ['nemo'],
  params: WorkspaceNamePath,
  response: { 200: WorkspaceBody, ...errors },
};

export default function route(app: FastifyInstance) {
  app
    .withTypeProvider<TypeBoxTypeProvider>()
    .get('/apis/entities/v2/workspaces/:name', { schema }, async (req) => {
      try {
        return workspaceWire(await app.registry.getWorkspace(req.actor, req.params.name));
      } catch (err) {
        if (codeOf(err) === 'not_found') throw workspaceNotFound(req.params.name);
        throw err;
      }
    });
}
