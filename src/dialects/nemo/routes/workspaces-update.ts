// PUT /apis/entities/v2/workspaces/{name} — replaces the workspace's mutable fields (its
// description; omitted means cleared, as NeMo's PUT replaces). The name is the key: a `name` in the
// body is ignored, as pydantic's `extra=ignore` does with unknown keys.
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { codeOf, workspaceNotFound } from '../entity-errors.ts';
import { UpdateNamedBody, WorkspaceNamePath } from '../schemas.ts';
import { workspaceWire } from '../wire.ts';
import { WorkspaceBody, errors } from '../responses.ts';

export const schema = {
  operationId: 'nemoUpdateWorkspace',
  summary: 'Update a workspace (NeMo)',
  tags: ['nemo'],
  params: WorkspaceNamePath,
  body: UpdateNamedBody,
  response: { 200: WorkspaceBody, ...errors },
};

export default function route(app: FastifyInstance) {
  app
    .withTypeProvider<TypeBoxTypeProvider>()
    .put('/apis/entities/v2/workspaces/:name', { schema }, async (req) => {
      try {
        const w = await app.registry.updateWorkspace(req.actor, req.params.name, {
          description: req.body.description ?? null,
        });
        return workspaceWire(w);
      } catch (err) {
        if (codeOf(err) === 'not_found') throw workspaceNotFound(req.params.name);
        throw err;
      }
    });
}
