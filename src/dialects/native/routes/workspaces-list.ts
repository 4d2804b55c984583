// GET /v1/workspaces — the workspaces this key can see (a workspace key sees only its own).
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { pageWire, workspaceWire } from '../wire.ts';
import { PageQuery } from '../schemas.ts';
import { WorkspacePage, errors } from '../responses.ts';

export const schema = {
  operationId: 'listWorkspaces',
  summary: 'List workspaces',
  tags: ['workspaces'],
  querystring: PageQuery,
  response: { 200: WorkspacePage, ...errors },
};

export default function route(app: FastifyInstance) {
  app.withTypeProvider<TypeBoxTypeProvider>().get('/workspaces', { schema }, async (req) => {
    const page = await app.registry.listWorkspaces(req.actor, req.query);
    return pageWire(page, req.query, workspaceWire);
  });
}
