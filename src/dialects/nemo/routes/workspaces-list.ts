// GET /apis/entities/v2/workspaces — the workspaces this key sees (a bound key: its own), paged.
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { pageOffset } from '../entity-errors.ts';
import { PageQuery } from '../schemas.ts';
import { dropNulls, pageEnvelope, workspaceWire } from '../wire.ts';
import { WorkspacePage, errors } from '../responses.ts';

export const schema = {
  operationId: 'nemoListWorkspaces',
  summary: 'List workspaces (NeMo)',
  tags: ['nemo'],
  querystring: Type.Object(PageQuery),
  response: { 200: WorkspacePage, ...errors },
};

export default function route(app: FastifyInstance) {
  app.withTypeProvider<TypeBoxTypeProvider>().get('/apis/entities/v2/workspaces', { schema }, async (req) => {
    const { page, page_size: pageSize } = req.query;
    const p = await app.registry.listWorkspaces(req.actor, {
      limit: pageSize,
      offset: pageOffset(page, pageSize),
    });
    // List items omit null fields; single-object responses keep them.
    return pageEnvelope(
      p.items.map((w) => dropNulls(workspaceWire(w))),
      p.total,
      page,
      pageSize,
      'created_at',
    );
  });
}
